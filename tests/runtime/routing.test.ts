import type { Manifest } from '../../src/engine';
import type { DataArrivedDetail } from '../../src/events/arrival';
import { routeArrival } from '../../src/runtime/routing';

const TASK_ARN = 'arn:aws:dms:eu-west-1:123456789012:task:E2FDDWUKQJV7UCIKU3GCEWAXX6HYE5OKAILG7AA';

function manifestWith(sources: { source: string; table: string; meta: Record<string, unknown> }[]): Manifest {
  const entries = sources.map(({ source, table, meta }) => [
    `source.p.${source}.${table}`,
    { uniqueId: `source.p.${source}.${table}`, resourceType: 'source', sourceName: source, name: table, meta, tags: [] },
  ]);
  return { sources: Object.fromEntries(entries) } as unknown as Manifest;
}

const dmsArrival = (taskArn: string): DataArrivedDetail => ({
  loader: 'dms', arrivalId: `dms:${taskArn}:t`, arrivedAt: '2026-11-27T02:58:34Z', connector: { taskArn },
});
const s3Arrival = (bucket: string, key: string): DataArrivedDetail => ({
  loader: 's3', arrivalId: `s3:${bucket}/${key}`, arrivedAt: '2026-11-27T02:58:34Z', connector: { bucket, key },
});

describe('routeArrival', () => {
  it('routes a DMS arrival by task ARN or by the ARN resource id', () => {
    const manifest = manifestWith([
      { source: 'app', table: 'transfers', meta: { landfall: { dms: { task_arn: TASK_ARN } } } },
      { source: 'app', table: 'users', meta: { landfall: { dms: { task_id: 'E2FDDWUKQJV7UCIKU3GCEWAXX6HYE5OKAILG7AA' } } } },
      { source: 'app', table: 'boards', meta: { landfall: { dms: { task_id: 'OTHER' } } } },
    ]);
    expect(routeArrival(manifest, dmsArrival(TASK_ARN)).map((r) => r.selector)).toEqual(['source:app.transfers+', 'source:app.users+']);
  });

  it('routes by the console task identifier the forwarder resolved, and a Serverless replication by its config ARN', () => {
    const configArn = 'arn:aws:dms:eu-west-1:123456789012:replication-config:KXQ4ZC3VJ5GWDNMT2HRE7OLIBY';
    const manifest = manifestWith([
      { source: 'app', table: 'users', meta: { landfall: { dms: { task_id: 'app-full-load' } } } },
      { source: 'crm', table: 'accounts', meta: { landfall: { dms: { replication_config_arn: configArn } } } },
    ]);
    const resolved: DataArrivedDetail = { ...dmsArrival(TASK_ARN), connector: { taskArn: TASK_ARN, taskIdentifier: 'app-full-load' } } as DataArrivedDetail;
    expect(routeArrival(manifest, resolved).map((r) => r.selector)).toEqual(['source:app.users+']);
    expect(routeArrival(manifest, dmsArrival(TASK_ARN))).toEqual([]);
    expect(routeArrival(manifest, dmsArrival(configArn)).map((r) => r.selector)).toEqual(['source:crm.accounts+']);
  });

  it('routes an S3 object by bucket and key prefix only', () => {
    const manifest = manifestWith([
      { source: 'events', table: 'product_events', meta: { landfall: { s3: { bucket: 'landing', prefix: 'firehose/product_events/' } } } },
    ]);
    expect(routeArrival(manifest, s3Arrival('landing', 'firehose/product_events/2026/11/27/x.gz'))).toHaveLength(1);
    expect(routeArrival(manifest, s3Arrival('landing', 'firehose/other/x.gz'))).toHaveLength(0);
    expect(routeArrival(manifest, s3Arrival('elsewhere', 'firehose/product_events/x.gz'))).toHaveLength(0);
  });
});
