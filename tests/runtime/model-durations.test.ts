/**
 * What each model took the last time it was built (src/runtime/model-durations.ts): what a done run contributes,
 * what a read accepts, the compare-and-swap merge of concurrent RecordRuns, and planRun carrying it to the nodes.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { durationsOfRun, MemoryModelDurationStore, MODEL_DURATIONS_KEY, parseModelDurations, S3ModelDurationStore, type ModelDurationStore } from '../../src/runtime/model-durations';
import type { StoredRun } from '../../src/runtime/run-state-store';
import { MemoryRunStates } from '../support/memory-run-states';
import { startTransformRun } from '../../src/runtime/transform-run';
import { compileManifest } from '../../src/engine/project/compile-manifest';
import { planRun } from '../../src/engine/run/plan-run';
import type { RunNode } from '../../src/engine/run/run-state';

const node = (id: string, kind: RunNode['kind'], status: RunNode['status'], priorMs?: number): RunNode => ({ id, kind, name: id, dependsOn: [], status, ...(priorMs !== undefined && { priorMs }) });

const tinyManifest = () => compileManifest({
  root: '/nowhere', project: { name: 'p' },
  models: [{ file: 'models/a.sql', relative: 'a.sql', text: 'select 1 as id' }, { file: 'models/b.sql', relative: 'b.sql', text: "select * from {{ ref('a') }}" }],
  singularTests: [], macros: [], seeds: [], properties: [],
}, { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } });

describe('model durations', () => {
  it('takes from a run the models and seeds that succeeded with a measured first statement', () => {
    expect(durationsOfRun({ nodes: [
      node('model.p.a', 'model', 'success', 1200), node('seed.p.s', 'seed', 'success', 900), node('model.p.failed', 'model', 'error', 50),
      node('model.p.skipped', 'model', 'skipped'), node('tests:model.p.a', 'tests', 'pass', 400),
    ] })).toEqual({ 'model.p.a': 1200, 'seed.p.s': 900 });
  });

  it('reads only positive finite numbers, and says where a malformed object is', () => {
    expect(parseModelDurations('{"byNode":{"a":1000,"b":-1,"c":"9","d":0}}', 'here')).toEqual({ a: 1000 });
    expect(() => parseModelDurations('{"nodes":[]}', 's3://b/k')).toThrow('s3://b/k: expected {"byNode"');
  });

  it('merges with a conditional write, reading again after another writer won the race', async () => {
    let stored: { body: string; etag: string } | undefined = { body: '{"byNode":{"model.p.a":1000,"model.p.b":2000}}', etag: '"1"' };
    let races = 1;
    const sent: Record<string, unknown>[] = [];
    const client = {
      async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
        sent.push({ command: command.constructor.name, ...command.input });
        expect(command.input.Key).toBe(MODEL_DURATIONS_KEY);
        if (command.constructor.name === 'GetObjectCommand') {
          if (!stored) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
          const { body, etag } = stored;
          return { ETag: etag, Body: { transformToString: async () => body } };
        }
        if (races-- > 0) { // another RecordRun wrote between our read and our write
          stored = { body: '{"byNode":{"model.p.a":1000,"model.p.b":2000,"model.p.c":3000}}', etag: '"2"' };
        }
        if (command.input.IfMatch !== stored?.etag) throw Object.assign(new Error('PreconditionFailed'), { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
        stored = { body: String(command.input.Body), etag: `"${Number(stored!.etag.slice(1, -1)) + 1}"` };
        return {};
      },
    } as unknown as S3Client;
    const store = new S3ModelDurationStore(client, 'bucket');
    await store.merge({ 'model.p.b': 2500 });
    expect(await store.read()).toEqual({ 'model.p.a': 1000, 'model.p.b': 2500, 'model.p.c': 3000 });
    expect(sent.filter((c) => c.command === 'PutObjectCommand').map((c) => c.IfMatch)).toEqual(['"1"', '"2"']);
  });

  it('is carried by planRun onto the run\'s models, a bad figure left out', () => {
    const run = planRun(tinyManifest(), { runId: 'r', command: 'run', priorMs: { 'model.p.a': 4200, 'model.p.b': Number.NaN } });
    expect(run.nodes.map((n) => [n.id, n.priorMs])).toEqual([['model.p.a', 4200], ['model.p.b', undefined]]);
  });

  it('is read by PlanRun into the run it plans; an unreadable store leaves the priors out, with a warning, and the run goes on', async () => {
    const manifest = tinyManifest();
    const store = new MemoryModelDurationStore();
    await store.merge({ 'model.p.a': 3100 });
    const runStates = new MemoryRunStates();
    await startTransformRun({ command: 'build' }, { arn: 'arn:aws:states:us-east-1:000000000000:execution:t:r1', name: 'r1' }, { manifest, runStates, modelDurations: store });
    const planned = JSON.parse(runStates.docs.get('r1')!) as StoredRun<unknown>;
    expect(planned.run.nodes.find((n) => n.id === 'model.p.a')!.priorMs).toBe(3100);

    const broken: ModelDurationStore = { read: async () => { throw new Error('Access Denied'); }, merge: async () => undefined };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await startTransformRun({ command: 'build' }, { arn: 'arn:aws:states:us-east-1:000000000000:execution:t:r2', name: 'r2' }, { manifest, runStates, modelDurations: broken });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('PlanRun: model durations not read'));
    } finally {
      warn.mockRestore();
    }
    expect((JSON.parse(runStates.docs.get('r2')!) as StoredRun<unknown>).run.nodes.every((n) => n.priorMs === undefined)).toBe(true);
  });
});
