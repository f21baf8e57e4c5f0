import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DeliveryRecord, type EventBridgeEvent, LocalEventBus, putEventsEntrySize } from '../../../src/local/aws/event-bus';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { clientConfig, makeStateDir } from './support';

describe('Class: LocalEventBus (through @aws-sdk/client-eventbridge)', () => {
  let stateDir: string;
  let removeStateDir: () => void;
  let bus: LocalEventBus;
  let cloud: LocalCloud;
  let eventBridge: EventBridgeClient;
  let arrivals: EventBridgeEvent[];
  let deliveries: DeliveryRecord[];

  beforeEach(async () => {
    ({ stateDir, remove: removeStateDir } = makeStateDir());
    arrivals = [];
    deliveries = [];
    bus = new LocalEventBus({ stateDir, region: 'us-east-1', accountId: '123456789012', onDelivery: (record) => deliveries.push(record) });
    bus.addRule('start-transform', { source: ['landfall'], 'detail-type': ['Data Arrived'], detail: { loader: [{ prefix: 'five' }] } }, async (event) => {
      arrivals.push(event);
    });
    cloud = await startLocalCloud({ eventBus: bus });
    eventBridge = new EventBridgeClient(clientConfig(cloud.url));
  });

  afterEach(async () => {
    eventBridge.destroy();
    await cloud.close();
    removeStateDir();
  });

  it('delivers the full EventBridge envelope to the targets of matching rules', async () => {
    const response = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'landfall',
            DetailType: 'Data Arrived',
            Detail: JSON.stringify({ loader: 'fivetran', connectorId: 'assimilate_seem' }),
            Resources: ['arn:aws:s3:::landing'],
            Time: new Date('2026-11-27T02:10:00.250Z'),
          },
        ],
      }),
    );
    await bus.whenIdle();

    expect(response.FailedEntryCount).toBe(0);
    expect(arrivals).toEqual([
      {
        version: '0',
        id: response.Entries![0].EventId,
        'detail-type': 'Data Arrived',
        source: 'landfall',
        account: '123456789012',
        time: '2026-11-27T02:10:00Z',
        region: 'us-east-1',
        resources: ['arn:aws:s3:::landing'],
        detail: { loader: 'fivetran', connectorId: 'assimilate_seem' },
      },
    ]);
  });

  it('fails bad entries one by one and accepts the others', async () => {
    const response = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'landfall', DetailType: 'Data Arrived', Detail: '{"loader":"fivetran"}' },
          { Source: 'landfall', DetailType: 'Data Arrived', Detail: '{not json' },
          { Source: 'landfall', DetailType: 'Data Arrived', Detail: '[1,2]' },
          { DetailType: 'Data Arrived', Detail: '{}' },
          { Source: 'landfall', DetailType: 'Data Arrived', Detail: '{}', EventBusName: 'other-bus' },
        ],
      }),
    );
    await bus.whenIdle();

    expect(response.FailedEntryCount).toBe(4);
    expect(response.Entries!.map((entry) => entry.ErrorCode)).toEqual([
      undefined,
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'ResourceNotFoundException',
    ]);
    expect(response.Entries![0].EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(arrivals).toHaveLength(1);
  });

  it('does not deliver events that match no rule, and logs every outcome', async () => {
    bus.addRule('always-fails', { source: ['aws.dms'] }, async () => {
      throw new Error('target unavailable');
    });
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'landfall', DetailType: 'Data Arrived', Detail: '{"loader":"dms"}' },
          { Source: 'aws.dms', DetailType: 'DMS Replication Task State Change', Detail: '{"eventId":"DMS-EVENT-0079"}' },
        ],
      }),
    );
    await bus.whenIdle();

    expect(arrivals).toHaveLength(0);
    const logged = readFileSync(join(stateDir, 'events', 'deliveries.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as DeliveryRecord);
    expect(logged.map((record) => [record.rule, record.outcome])).toEqual(
      expect.arrayContaining([
        ['always-fails', 'failed'],
        [null, 'unmatched'],
      ]),
    );
    expect(logged).toHaveLength(2);
    expect(logged.find((record) => record.outcome === 'failed')!.error).toBe('Error: target unavailable');
    expect(deliveries).toHaveLength(2);
  });

  it('rejects more than 10 entries with a ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => ({ Source: 'landfall', DetailType: 'Data Arrived', Detail: '{}' }));

    await expect(eventBridge.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('rejects a malformed pattern when the rule is added', () => {
    expect(() => bus.addRule('broken', { source: 'landfall' }, async () => undefined)).toThrow();
  });
});

describe('Function: putEventsEntrySize', () => {
  it('counts UTF-8 bytes of Source, DetailType, Detail and Resources, plus 14 for Time', () => {
    expect(putEventsEntrySize({ Source: 'a', DetailType: 'bc', Detail: '{"é":1}', Resources: ['xyz'] })).toBe(1 + 2 + 8 + 3);
    expect(putEventsEntrySize({ Source: 'a', Time: new Date() })).toBe(15);
  });
});
