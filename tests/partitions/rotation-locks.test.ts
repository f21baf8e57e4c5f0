/**
 * Rotation takes the run locks of the models it rotates (the same DynamoDB items a transform run takes), so a
 * month table is never swapped while a run builds that model: local DynamoDB, owners' status from a table of
 * execution statuses standing in for DescribeExecution (tests/runtime/run-locks.test.ts covers the SFN reader).
 */
import path from 'node:path';
import type { Manifest } from '../../src/engine';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { planLockedRotation } from '../../src/partitions/rotation-run';
import { RunLockedError, RunLocks, type OwnerStatus } from '../../src/runtime/run-locks';
import { DynamoDbRunLockStore } from '../../src/runtime/run-locks-dynamodb';
import { startLocalDynamoDbClient } from '../local/aws/support';

const PROJECT = path.join(__dirname, '..', 'fixtures', 'projects', 'partitioned');
const arn = (machine: string, name: string) => `arn:aws:states:us-east-1:000000000000:execution:${machine}:${name}`;

describe('rotation and the run locks', () => {
  let manifest: Manifest;
  let close: () => Promise<void>;
  const statuses = new Map<string, OwnerStatus>();
  let locks: RunLocks;

  beforeAll(async () => {
    manifest = compileManifest(readProjectFiles(PROJECT), { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
    const local = await startLocalDynamoDbClient(['locks']);
    close = local.close;
    locks = new RunLocks({ store: new DynamoDbRunLockStore(local.client, 'locks'), executions: { statusOf: async (id) => statuses.get(id) ?? 'unknown' } });
  });
  afterAll(() => close());

  it('waits (RunLockedError) while a transform run builds a model it rotates, and takes its lock once that run has closed', async () => {
    const model = Object.values(manifest.models).find((m) => m.name === 'fct_orders')!;
    const transform = { arn: arn('landfall-transform-run', 'console-build'), name: 'console-build' };
    statuses.set(transform.arn, 'running');
    await locks.acquire([model.uniqueId], transform);
    const rotation = { arn: arn('landfall-rotate-partitions', 'monthly-2027-02'), name: 'monthly-2027-02' };
    statuses.set(rotation.arn, 'running');
    const request = { input: { month: '2027-02' }, execution: rotation };
    await expect(planLockedRotation(request, { manifest, locks })).rejects.toBeInstanceOf(RunLockedError);
    statuses.set(transform.arn, 'closed');
    await expect(planLockedRotation(request, { manifest, locks })).resolves.toMatchObject({ month: '2027-02', models: [{ model: 'fct_orders' }] });
    // …and a transform run started during the rotation waits for it in turn.
    const next = { arn: arn('landfall-transform-run', 'arrivals-x'), name: 'arrivals-x' };
    statuses.set(next.arn, 'running');
    await expect(locks.acquire([model.uniqueId], next)).rejects.toThrow(/fct_orders \(held by monthly-2027-02\)/);
  });
});
