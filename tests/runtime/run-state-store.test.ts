import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RunStateNotFoundError, runStateKey, S3RunStateStore, type StoredRun } from '../../src/runtime/run-state-store';
import { type StartedLocalS3, startLocalS3 } from '../local/aws/support';

function storedRun(nodes: number): StoredRun<{ description: string }> {
  return {
    version: 1,
    execution: { arn: 'arn:aws:states:us-east-1:000000000000:execution:m:run-1', name: 'run-1' },
    trigger: { description: 'manual build' },
    redriveCount: 0,
    run: {
      runId: 'run-1', command: 'build', startedAt: '2026-12-05T00:00:00Z', fullRefresh: false, vars: {}, concurrency: 4, existing: {}, done: false,
      nodes: Array.from({ length: nodes }, (_, i) => ({ id: `model.p.model_${String(i).padStart(5, '0')}`, kind: 'model' as const, name: `model_${i}`, dependsOn: i ? [`model.p.model_${String(i >> 1).padStart(5, '0')}`] : [], status: 'success' as const, startedAt: '2026-12-05T00:00:01.000Z', finishedAt: '2026-12-05T00:00:02.000Z', rows: 1 })),
    },
  };
}

describe('S3RunStateStore', () => {
  let local: StartedLocalS3;
  let store: S3RunStateStore;
  let client: S3Client;

  beforeAll(async () => {
    local = await startLocalS3(['run-state']);
    client = local.client;
    store = new S3RunStateStore(client, 'run-state', 'runs/');
  });

  afterAll(() => local.close());

  it('keys a run by its execution name, one folder per execution', () => {
    expect(store.pointerFor('arrivals-2026-12-05')).toEqual({ bucket: 'run-state', key: 'runs/arrivals-2026-12-05/run-state.json.gz' });
    expect(() => runStateKey('runs/', 'a/b')).toThrow(/cannot name a run state object/);
  });

  it('writes gzip JSON and reads it back; 10,000 nodes stay a small object', async () => {
    const stored = storedRun(10_000);
    const pointer = store.pointerFor('run-1');
    const bytes = await store.write(pointer, stored);
    expect(bytes).toBeLessThan(Buffer.byteLength(JSON.stringify(stored)) / 5);
    expect(await store.read(pointer)).toEqual(stored);
  });

  it('says which object is missing (NoSuchKey) and refuses an object that is not a run state', async () => {
    const missing = store.pointerFor('never-ran');
    await expect(store.read(missing)).rejects.toBeInstanceOf(RunStateNotFoundError);
    await expect(store.read(missing)).rejects.toThrow('s3://run-state/runs/never-ran/run-state.json.gz');
    await client.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'runs/garbage/run-state.json.gz', Body: 'not gzip' }));
    await expect(store.read(store.pointerFor('garbage'))).rejects.toThrow(/not a gzip JSON run state/);
  });
});
