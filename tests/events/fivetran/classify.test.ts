import { classifyFivetranEvent } from '../../../src/events/fivetran/classify';
import { FivetranPayloadError, parseFivetranWebhook, type FivetranWebhook } from '../../../src/events/fivetran/webhook';
import { readEventsFile } from '../support';

const sample = (file: string) => parseFivetranWebhook(readEventsFile(`samples/fivetran/${file}`));

describe('classifyFivetranEvent', () => {
  it('makes a successful sync_end an arrival', () => {
    expect(classifyFivetranEvent(sample('sync-end-successful.json'))).toEqual({
      kind: 'arrival',
      connectorId: 'wetransfer_app_db',
      groupId: 'landfall_warehouse',
      syncId: '6f1c2a9e-4b7d-4e0a-9c35-2d8e71f0b4a1',
      syncedAt: '2026-11-27T01:00:08.638Z',
      connectorName: 'app_postgres',
    });
  });

  it('takes the group from the legacy group_id when destination_group_id is absent', () => {
    expect(classifyFivetranEvent(sample('sync-end-successful-legacy-group-id.json'))).toMatchObject({
      kind: 'arrival',
      groupId: 'landfall_warehouse',
      syncId: '0b9d4e57-2c1f-4a88-8e6b-5f3a19c7d202',
    });
  });

  it('prefers destination_group_id when both are present', () => {
    const payload = { ...sample('sync-end-successful.json'), group_id: 'old_group' };
    expect(classifyFivetranEvent(payload)).toMatchObject({ groupId: 'landfall_warehouse' });
  });

  it('leaves connectorName out when the payload has none', () => {
    const { connector_name: _dropped, ...payload } = sample('sync-end-successful.json');
    expect(classifyFivetranEvent(payload)).not.toHaveProperty('connectorName');
  });

  it('makes a sync_end with another status a failure, with its reason and task', () => {
    expect(classifyFivetranEvent(sample('sync-end-failed.json'))).toEqual({
      kind: 'failure',
      connectorId: 'wetransfer_app_db',
      groupId: 'landfall_warehouse',
      syncId: 'c3e8a0f2-7d15-4b9c-a6e4-81b2f5d9e303',
      status: 'FAILURE_WITH_TASK',
      reason: 'java.lang.RuntimeException: FATAL: password authentication failed for user "fivetran"',
      taskType: 'reconnect_warehouse',
      connectorName: 'app_postgres',
      failedAt: '2026-11-27T03:00:42.917Z',
    });
  });

  it('acknowledges a RESCHEDULED sync_end without a failure or an arrival (Fivetran runs it again)', () => {
    const payload = { ...sample('sync-end-successful.json'), data: { status: 'RESCHEDULED' } };
    expect(classifyFivetranEvent(payload)).toMatchObject({ kind: 'ignored', eventType: 'sync_end' });
  });

  it('makes a sync_end without sync_id (a Fivetran test delivery) an arrival without one', () => {
    const { sync_id: _dropped, ...payload } = sample('sync-end-successful.json');
    const outcome = classifyFivetranEvent(payload);
    expect(outcome).toMatchObject({ kind: 'arrival', connectorId: 'wetransfer_app_db' });
    expect(outcome).not.toHaveProperty('syncId');
  });

  it.each(['FAILED', 'FAILURE', 'FAILURE_WITH_TASK', 'CANCELED', 'successful'])('treats status %s as a failure', (status) => {
    const payload = { ...sample('sync-end-successful.json'), data: { status } };
    const outcome = classifyFivetranEvent(payload);
    expect(outcome).toMatchObject({ kind: 'failure', status });
    expect(outcome).not.toHaveProperty('reason');
  });

  it('ignores the test event', () => {
    expect(classifyFivetranEvent(sample('test-event.json'))).toEqual({
      kind: 'ignored',
      eventType: 'test_event',
      reason: 'test_event: Fivetran checking that the endpoint answers',
    });
  });

  it.each(['sync_start', 'status', 'create_connector', 'dbt_run_succeeded'])('ignores %s events', (event) => {
    const payload = { ...sample('sync-start.json'), event };
    expect(classifyFivetranEvent(payload)).toEqual({ kind: 'ignored', eventType: event, reason: `${event}: only sync_end events report landed data` });
  });

  it('refuses a sync_end built without parsing that lacks its connector_id', () => {
    const payload: FivetranWebhook = { event: 'sync_end', created: '2026-11-27T01:00:08.638Z', group_id: 'g', data: { status: 'SUCCESSFUL' } };
    expect(() => classifyFivetranEvent(payload)).toThrow(FivetranPayloadError);
  });
});
