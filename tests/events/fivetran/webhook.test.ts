import { FivetranPayloadError, parseFivetranWebhook } from '../../../src/events/fivetran/webhook';
import { readEventsFile } from '../support';

const liveCapture =
  '{"event":"sync_end","created":"2026-05-22T00:06:08.638Z","connector_type":"google_cloud_postgresql","connector_id":"assimilate_seem","connector_name":"ftar_pg","sync_id":"b4703f73-6315-4e22-8d7a-3bfb18b2fed2","destination_group_id":"inappropriate_implode","data":{"status":"SUCCESSFUL"}}';

function parseError(body: string): FivetranPayloadError {
  try {
    parseFivetranWebhook(body);
  } catch (error) {
    if (error instanceof FivetranPayloadError) return error;
    throw error;
  }
  throw new Error('expected parseFivetranWebhook to throw');
}

describe('parseFivetranWebhook', () => {
  it('parses the live sync_end capture', () => {
    expect(parseFivetranWebhook(liveCapture)).toEqual({
      event: 'sync_end',
      created: '2026-05-22T00:06:08.638Z',
      connector_type: 'google_cloud_postgresql',
      connector_id: 'assimilate_seem',
      connector_name: 'ftar_pg',
      sync_id: 'b4703f73-6315-4e22-8d7a-3bfb18b2fed2',
      destination_group_id: 'inappropriate_implode',
      data: { status: 'SUCCESSFUL' },
    });
  });

  it('accepts a Buffer body', () => {
    expect(parseFivetranWebhook(Buffer.from(liveCapture)).connector_id).toBe('assimilate_seem');
  });

  it.each([
    'sync-end-successful.json',
    'sync-end-successful-legacy-group-id.json',
    'sync-end-failed.json',
    'test-event.json',
    'sync-start.json',
  ])('accepts the sample %s', (file) => {
    expect(() => parseFivetranWebhook(readEventsFile(`samples/fivetran/${file}`))).not.toThrow();
  });

  it('accepts the legacy group_id instead of destination_group_id', () => {
    const payload = parseFivetranWebhook(readEventsFile('samples/fivetran/sync-end-successful-legacy-group-id.json'));
    expect(payload.group_id).toBe('landfall_warehouse');
    expect(payload.destination_group_id).toBeUndefined();
  });

  it('accepts the test payload, which has no sync_id and a placeholder timestamp', () => {
    const payload = parseFivetranWebhook(
      '{"event":"test_event","created":"timestamp","connector_type":"_connector_type","connector_id":"_connector_1","group_id":"_destination_1"}',
    );
    expect(payload.event).toBe('test_event');
    expect(payload.sync_id).toBeUndefined();
  });

  it('accepts any data.status and keeps reason and taskType', () => {
    const payload = parseFivetranWebhook(
      JSON.stringify({ ...JSON.parse(liveCapture), data: { status: 'RESCHEDULED', reason: 'quota', taskType: 'wait' } }),
    );
    expect(payload.data).toEqual({ status: 'RESCHEDULED', reason: 'quota', taskType: 'wait' });
  });

  it('keeps unknown extra fields, at the top and inside data', () => {
    const payload = parseFivetranWebhook(
      JSON.stringify({ ...JSON.parse(liveCapture), hidden: true, data: { status: 'SUCCESSFUL', rows: 10 } }),
    );
    expect(payload).toMatchObject({ hidden: true, data: { status: 'SUCCESSFUL', rows: 10 } });
  });

  it('reports a body that is not JSON as a syntax error', () => {
    const error = parseError('{"event":"sync_end",');
    expect(error.kind).toBe('json-syntax');
    expect(error.message).toMatch(/^Fivetran webhook body is not valid JSON: /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('reports JSON that is not an object as a wrong shape', () => {
    const error = parseError('[1, 2]');
    expect(error.kind).toBe('shape');
    expect(error.issues).toEqual([expect.stringMatching(/^\(body\): /)]);
  });

  it('lists every shape problem as "path: message"', () => {
    const error = parseError(JSON.stringify({ event: 'sync_end', created: '2026-11-27T01:00:08.638Z', connector_id: 42, data: { status: 7 } }));
    expect(error.kind).toBe('shape');
    expect(error.issues).toEqual([
      expect.stringMatching(/^connector_id: .*expected string/),
      expect.stringMatching(/^data\.status: .*expected string/),
    ]);
    expect(error.message).toBe(`Fivetran webhook payload has the wrong shape: ${error.issues.join('; ')}`);
  });

  it('requires connector_id and data.status on sync_end (sync_id and the group are optional)', () => {
    const error = parseError(JSON.stringify({ event: 'sync_end', created: '2026-11-27T01:00:08.638Z' }));
    expect(error.issues).toEqual([
      'connector_id: connector_id is required on sync_end events',
      'data.status: data.status is required on sync_end events',
    ]);
  });

  it('requires event on every payload; account-level events need no connector_id', () => {
    expect(parseError(JSON.stringify({ created: 'timestamp' })).issues).toEqual([expect.stringMatching(/^event: /)]);
    expect(parseFivetranWebhook(JSON.stringify({ event: 'dbt_run_succeeded', created: '2026-11-27T01:00:08.638Z', destination_group_id: 'g' })).event).toBe('dbt_run_succeeded');
  });

  it('normalizes what Fivetran may send loosely: a created without zone is UTC, empty ids are absent', () => {
    const payload = parseFivetranWebhook(JSON.stringify({ ...JSON.parse(liveCapture), created: '2026-05-22T00:06:08.638', connector_name: '', sync_id: '' }));
    expect(payload.created).toBe('2026-05-22T00:06:08.638Z');
    expect(payload).not.toHaveProperty('connector_name', expect.anything());
    expect(payload.sync_id).toBeUndefined();
  });
});
