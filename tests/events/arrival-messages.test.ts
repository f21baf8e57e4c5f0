/**
 * The arrival schemas use zod/mini (smaller bundles): a bad event must still be refused with English messages naming
 * each field and what is wrong with it, as zod's classic API would.
 */
import { DataArrivedEventSchema, LoaderFailedEventSchema } from '../../src/events/arrival';

const issues = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('arrival schema messages (zod/mini)', () => {
  it('names the field and the broken rule', () => {
    const result = DataArrivedEventSchema.safeParse({
      source: 'landfall', 'detail-type': 'Data Arrived',
      detail: { loader: 's3', arrivalId: '', arrivedAt: 'yesterday', connector: { bucket: 'b', key: 'k', size: 1.5 } },
    });
    expect(issues(result)).toEqual([
      'detail.arrivalId: Too small: expected string to have >=1 characters',
      'detail.arrivedAt: Invalid ISO datetime',
      'detail.connector.size: Invalid input: expected int, received number',
    ]);
  });

  it('says which loaders exist and what a DMS task ARN must start with', () => {
    expect(issues(LoaderFailedEventSchema.safeParse({ source: 'landfall', 'detail-type': 'Loader Failed', detail: { loader: 'ftp' } }))).toEqual([
      "detail.loader: Invalid discriminator value. Expected 'fivetran' | 'dms' | 's3'",
    ]);
    const dms = DataArrivedEventSchema.safeParse({
      source: 'landfall', 'detail-type': 'Data Arrived',
      detail: { loader: 'dms', arrivalId: 'dms:1', arrivedAt: '2026-01-01T00:00:00Z', connector: { taskArn: 'task-1' } },
    });
    expect(issues(dms)).toEqual(['detail.connector.taskArn: Invalid string: must start with "arn:"']);
  });
});
