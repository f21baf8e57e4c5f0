/**
 * Routing a DMS arrival by the task identifier shown in the console: the forwarder asks DescribeReplicationTasks
 * (the real SDK client, against the local DMS endpoint), caches the answer, and the event carries it to routing.
 */
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Manifest } from '../../src/engine';
import { DataArrivedEventSchema } from '../../src/events/arrival';
import { DMS_TARGET_PREFIX, LocalDms } from '../../src/local/aws/dms';
import { type DeliveryRecord, LocalEventBus } from '../../src/local/aws/event-bus';
import { type LocalCloud, startLocalCloud } from '../../src/local/aws/local-cloud';
import { CachedDmsTaskIdentifiers } from '../../src/runtime/dms-task-identifiers';
import { forwardDmsEvent } from '../../src/runtime/receive-dms-event';
import { routeArrival } from '../../src/runtime/routing';
import { readEventsJson } from '../events/support';

let cloud: LocalCloud;
let dms: LocalDms;
let bus: LocalEventBus;
const deliveries: DeliveryRecord[] = [];
let config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };

beforeAll(async () => {
  dms = new LocalDms({ region: 'eu-west-1', accountId: '123456789012' });
  bus = new LocalEventBus({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'dms-ids-')), onDelivery: (r) => deliveries.push(r) });
  bus.addRule('all', { source: ['landfall'] }, async () => undefined);
  cloud = await startLocalCloud({ eventBus: bus, extraRoutes: { [DMS_TARGET_PREFIX]: (q, r) => void dms.handle(q, r) } });
  config = { endpoint: cloud.url, region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } };
});
afterAll(async () => {
  await bus.whenIdle();
  await cloud.close();
});

describe('CachedDmsTaskIdentifiers', () => {
  it('resolves a task ARN to its console identifier once, then from the cache', async () => {
    const task = dms.putTask({ identifier: 'app-full-load' });
    const identifiers = new CachedDmsTaskIdentifiers(new DatabaseMigrationServiceClient(config));
    for (let i = 0; i < 3; i++) await expect(identifiers.identifierOf(task.arn)).resolves.toBe('app-full-load');
    expect(identifiers.lookups).toBe(1);
  });

  it('answers undefined for a task DMS does not know (ResourceNotFoundFault) and for a Serverless config ARN, without failing', async () => {
    const identifiers = new CachedDmsTaskIdentifiers(new DatabaseMigrationServiceClient(config));
    await expect(identifiers.identifierOf('arn:aws:dms:eu-west-1:123456789012:task:DELETEDTASK')).resolves.toBeUndefined();
    await expect(identifiers.identifierOf('arn:aws:dms:eu-west-1:123456789012:replication-config:KXQ4')).resolves.toBeUndefined();
    expect(identifiers.lookups).toBe(1);
  });

  it('fails (so EventBridge retries) when DMS cannot be asked', async () => {
    const identifiers = new CachedDmsTaskIdentifiers(new DatabaseMigrationServiceClient({ ...config, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }));
    await expect(identifiers.identifierOf('arn:aws:dms:eu-west-1:123456789012:task:X')).rejects.toThrow();
  });
});

describe('forwardDmsEvent with task identifiers', () => {
  it('puts the identifier on the arrival, so a source routed by task_id is built', async () => {
    const task = dms.putTask({ identifier: 'wetransfer-app-full-load' });
    const sample = readEventsJson('samples/dms/task-stopped-after-cached-events.json') as object;
    const event = { ...sample, resources: [task.arn] };
    const outcome = await forwardDmsEvent(event, { eventBridge: new EventBridgeClient(config), eventBusName: 'default' },
      new CachedDmsTaskIdentifiers(new DatabaseMigrationServiceClient(config)));
    expect(outcome).toMatchObject({ status: 'forwarded', detailType: 'Data Arrived' });
    await bus.whenIdle();
    const delivered = DataArrivedEventSchema.parse(deliveries.find((d) => d.eventId === (outcome as { eventId: string }).eventId)!.event);
    expect(delivered.detail.connector).toMatchObject({ taskArn: task.arn, taskIdentifier: 'wetransfer-app-full-load' });
    const manifest = { sources: { 'source.p.app.users': { uniqueId: 'source.p.app.users', sourceName: 'app', name: 'users', meta: { landfall: { dms: { task_id: 'wetransfer-app-full-load' } } } } } } as unknown as Manifest;
    expect(routeArrival(manifest, delivered.detail).map((r) => r.selector)).toEqual(['source:app.users+']);
  });
});
