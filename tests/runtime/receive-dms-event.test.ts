import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { forwardDmsEvent } from '../../src/runtime/receive-dms-event';
import { EventBusRefusedError } from '../../src/runtime/put-landfall-event';
import { readEventsJson } from '../events/support';

function fakeEventBridge(answer: { FailedEntryCount: number; Entries: object[] }) {
  const sent: PutEventsCommand[] = [];
  const client = { send: async (command: PutEventsCommand) => (sent.push(command), answer) } as unknown as EventBridgeClient;
  return { client, sent };
}

describe('forwardDmsEvent', () => {
  it('puts a Data Arrived event for a full-load stop on the landfall bus', async () => {
    const { client, sent } = fakeEventBridge({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const outcome = await forwardDmsEvent(readEventsJson('samples/dms/task-stopped-full-load-finished.json'), { eventBridge: client, eventBusName: 'landfall-test' });
    expect(outcome).toMatchObject({ status: 'forwarded', detailType: 'Data Arrived', eventId: 'e-1' });
    const entry = sent[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: 'landfall-test', Source: 'landfall', DetailType: 'Data Arrived' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({ loader: 'dms', connector: { eventId: 'DMS-EVENT-0079' } });
  });

  it('puts nothing for an ignored event', async () => {
    const { client, sent } = fakeEventBridge({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const outcome = await forwardDmsEvent(readEventsJson('samples/dms/task-started.json'), { eventBridge: client, eventBusName: 'b' });
    expect(outcome.status).toBe('ignored');
    expect(sent).toHaveLength(0);
  });

  it('throws when the bus refuses the entry, so the rule retries and then dead-letters it', async () => {
    const { client } = fakeEventBridge({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }] });
    await expect(forwardDmsEvent(readEventsJson('samples/dms/task-failed.json'), { eventBridge: client, eventBusName: 'b' })).rejects.toThrow(EventBusRefusedError);
  });
});
