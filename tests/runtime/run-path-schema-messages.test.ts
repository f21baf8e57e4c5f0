/**
 * The schemas on the functions' run path (execution input, S3 routes, Redshift connection, S3 events) use zod/mini so that the
 * transform tasks' bundles carry no classic zod (~70 KiB each): bad input must still be refused with the English
 * messages naming each field and rule that classic zod gave (these texts are classic zod's, checked before the move).
 */
import { parseRunInput } from '../../src/runtime/run-input';
import { s3RoutesOf } from '../../src/ingest/s3-routes';
import { readConnectionTarget } from '../../src/warehouse/connection-config';
import { parseObjectCreated } from '../../src/events/s3/object-created';
import type { Manifest } from '../../src/engine';

const withRoute = (s3: unknown) =>
  ({ sources: { 'source.p.raw.events': { uniqueId: 'source.p.raw.events', sourceName: 'raw', name: 'events', meta: { landfall: { s3 } }, relation: { schema: 'raw', identifier: 'events' } } } }) as unknown as Manifest;

describe('run path schema messages (zod/mini)', () => {
  it('execution input: defaults applied, and each bad field named with its rule', () => {
    expect(parseRunInput(undefined)).toEqual({ kind: 'manual', request: { command: 'build', select: [], exclude: [], fullRefresh: false, vars: {}, loads: [] } });
    expect(() => parseRunInput({ command: 'nope', select: [''], extra: 1 })).toThrow(
      'The execution input is neither a \'Data Arrived\' event nor a run request: command: Invalid option: expected one of "build"|"run"|"test"|"seed"; select.0: Too small: expected string to have >=1 characters; (input): Unrecognized key: "extra"',
    );
    expect(() => parseRunInput({ fullRefresh: 'yes', vars: [], reason: 'x'.repeat(501) })).toThrow(
      'fullRefresh: Invalid input: expected boolean, received string; vars: Invalid input: expected record, received array; reason: Too big: expected string to have <=500 characters',
    );
    expect(() => parseRunInput({ loads: Array(2001).fill({ bucket: 'b', key: 'k' }) })).toThrow('loads: Too big: expected array to have <=2000 items');
  });

  it('S3 route: defaults applied, and each bad field named with its rule', () => {
    expect(s3RoutesOf(withRoute({ bucket: 'b', prefix: 'p/' }))[0]).toMatchObject({ format: 'json', gzip: false, ignoreHeader: 0 });
    expect(() => s3RoutesOf(withRoute({ bucket: '', prefix: 1, format: 'xml', compression: 'zip', delimiter: ',,', ignore_header: 1.5 }))).toThrow(
      'bucket: Too small: expected string to have >=1 characters; prefix: Invalid input: expected string, received number; format: Invalid option: expected one of "json"|"csv"; compression: Invalid option: expected one of "none"|"gzip"; delimiter: Too big: expected string to have exactly 1 characters; ignore_header: Invalid input: expected int, received number',
    );
  });

  it('S3 Object Created event: each bad field named with its rule', () => {
    const event = { id: 'e1', source: 'aws.s3', 'detail-type': 'Object Created', time: '2026-11-27T01:00:09Z', detail: { bucket: { name: 'b' }, object: { key: 'k', size: 1 } } };
    expect(parseObjectCreated(event)).toMatchObject({ bucket: 'b', key: 'k', size: 1 });
    expect(() => parseObjectCreated({ ...event, id: '', time: '2026-11-27T01:00:09', detail: { bucket: { name: '' }, object: { key: 'k', size: -1.5, etag: '' } } })).toThrow(
      'aws.s3 event has an unexpected shape: id: Too small: expected string to have >=1 characters; time: Invalid ISO datetime; detail.bucket.name: Too small: expected string to have >=1 characters; detail.object.size: Invalid input: expected int, received number; detail.object.etag: Too small: expected string to have >=1 characters',
    );
    expect(() => parseObjectCreated({ ...event, source: 'aws.s4' })).toThrow('source: Invalid input: expected "aws.s3"');
  });

  it('Redshift connection: values trimmed, and every problem listed', () => {
    expect(readConnectionTarget({ LANDFALL_REDSHIFT_WORKGROUP: '  wg-1 ', LANDFALL_REDSHIFT_DATABASE: ' dev ' })).toEqual({ compute: { kind: 'serverless', workgroupName: 'wg-1' }, database: 'dev', auth: { kind: 'iam' } });
    expect(() => readConnectionTarget({ LANDFALL_REDSHIFT_CLUSTER: 'Bad_', LANDFALL_REDSHIFT_DATABASE: 'a'.repeat(128), LANDFALL_REDSHIFT_SECRET_ARN: 'nope' })).toThrow(
      [
        'Invalid Redshift connection configuration:',
        '- LANDFALL_REDSHIFT_CLUSTER must be a cluster identifier: lowercase letters, digits and hyphens, starting with a letter',
        '- LANDFALL_REDSHIFT_DATABASE must be at most 127 characters',
        '- LANDFALL_REDSHIFT_SECRET_ARN must be a Secrets Manager secret ARN',
      ].join('\n'),
    );
  });
});
