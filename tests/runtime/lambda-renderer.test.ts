/**
 * AdvanceRun's renderer in AWS (src/runtime/lambda-renderer.ts): the RenderPlans function (src/runtime/render-plans.ts)
 * behind a real Lambda Invoke on the local endpoint. A run gives the same outcome as rendering in process, a model
 * with a Jinja error fails alone with the same error (its file), and the renders a step needs share one Invoke.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { compileManifest } from '../../src/engine/project/compile-manifest';
import { advanceRun, type RunContext } from '../../src/engine/run/advance-run';
import { planRun } from '../../src/engine/run/plan-run';
import { dialects } from '../../src/engine/dialects';
import type { ProjectFiles } from '../../src/engine/project/project-files';
import type { RunState } from '../../src/engine/run/run-state';
import type { ResultSet, StatementDescription, Warehouse } from '../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../src/engine/run/render-in-process';
import { LocalLambda } from '../../src/local/aws/lambda';
import { startLocalCloud, type LocalCloud } from '../../src/local/aws/local-cloud';
import { LambdaRenderer } from '../../src/runtime/lambda-renderer';
import { parseRenderPlansEvent, renderPlans } from '../../src/runtime/render-plans';
import { clientConfig } from '../local/aws/support';

const files: ProjectFiles = {
  root: '/nowhere', project: { name: 'p' },
  models: [
    { file: 'models/a.sql', relative: 'a.sql', text: "{{ config(materialized='table') }} select 1 as id" },
    { file: 'models/b.sql', relative: 'b.sql', text: "{% do run_query('select 1') %} select id from {{ ref('a') }}" },
    { file: 'models/broken.sql', relative: 'broken.sql', text: "select 1 as id\n{% if execute %}{{ exceptions.raise_compiler_error('broken on purpose') }}{% endif %}\n" },
    { file: 'models/after_broken.sql', relative: 'after_broken.sql', text: "select id from {{ ref('broken') }}" },
  ],
  singularTests: [{ file: 'tests/a_positive.sql', relative: 'a_positive.sql', text: "select * from {{ ref('a') }} where id < 0" }],
  macros: [], seeds: [], properties: [],
};
const manifest = compileManifest(files, { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } });
/** A chain without run_query: every render of a step may be asked ahead. */
const chain = compileManifest({
  root: '/nowhere', project: { name: 'c' },
  models: [
    { file: 'models/c1.sql', relative: 'c1.sql', text: "{{ config(materialized='table') }} select 1 as id" },
    { file: 'models/c2.sql', relative: 'c2.sql', text: "{{ config(materialized='incremental', unique_key='id') }} select id from {{ ref('c1') }}" },
    { file: 'models/c3.sql', relative: 'c3.sql', text: "select id from {{ ref('c2') }}" },
    { file: 'models/c4.sql', relative: 'c4.sql', text: "select id from {{ ref('c3') }}" },
  ],
  singularTests: [
    { file: 'tests/c1_positive.sql', relative: 'c1_positive.sql', text: "select * from {{ ref('c1') }} where id < 0" },
    { file: 'tests/c3_positive.sql', relative: 'c3_positive.sql', text: "select * from {{ ref('c3') }} where id < 0" },
  ],
  macros: [], seeds: [], properties: [],
}, { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } });
const dialect = dialects.postgres;

/** Every statement finishes at once with no rows. */
class FinishingWarehouse implements Warehouse {
  submitted = 0;
  async submit(): Promise<string> {
    return `s${++this.submitted}`;
  }
  async describe(id: string): Promise<StatementDescription> {
    return { id, status: 'FINISHED', hasResultSet: false, resultRows: 0, durationMs: 1 };
  }
  async fetchRows(): Promise<ResultSet> {
    return { columns: [], rows: [] };
  }
  async cancel(): Promise<void> {}
}

async function runToEnd(ctx: RunContext): Promise<RunState> {
  let state = planRun(manifest, { runId: 'r1', command: 'build', startedAt: '2026-12-05T10:00:00.000Z' });
  for (let i = 0; i < 30 && !state.done; i++) state = await advanceRun(state, ctx);
  return state;
}

const outcome = (state: RunState) => state.nodes.map((n) => ({ id: n.id, status: n.status, error: n.error, tests: n.tests?.map((t) => t.status) }));

describe('rendering through the RenderPlans function', () => {
  let cloud: LocalCloud;
  const lambda = new LocalLambda()
    .register('render-plans', (event) => renderPlans(event, { manifest, dialect }))
    .register('render-chain', (event) => renderPlans(event, { manifest: chain, dialect }));
  beforeAll(async () => {
    cloud = await startLocalCloud({ lambda });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('runs as the in-process renderer does: a Jinja error fails its model (with its file), the rest builds', async () => {
    const batches: number[] = [];
    const renderer = new LambdaRenderer({ client: new LambdaClient(clientConfig(cloud.url)), functionName: 'render-plans', manifest, onInvoke: (b) => batches.push(b.requests) });
    const remote = await runToEnd({ manifest, dialect, warehouse: new FinishingWarehouse(), renderer });
    const local = await runToEnd({ manifest, dialect, warehouse: new FinishingWarehouse(), renderer: inProcessRenderer({ manifest, dialect }) });

    expect(outcome(remote)).toEqual(outcome(local));
    const broken = remote.nodes.find((n) => n.name === 'broken')!;
    expect(broken.status).toBe('error');
    expect(broken.error).toMatch(/models\/broken\.sql.*broken on purpose/s);
    expect(remote.nodes.find((n) => n.name === 'after_broken')!.status).toBe('skipped');
    expect(remote.nodes.find((n) => n.name === 'b')!.status).toBe('success');
    // The first step starts a and broken: both plans in one Invoke.
    expect(batches[0]).toBeGreaterThanOrEqual(2);
    expect(lambda.invocations.get('render-plans')).toBe(batches.length);
  });

  it('asks ahead what a step starts, so a step pays one Invoke where it paid one per phase (poll, start, tests riding along)', async () => {
    const invokesPerStep = async (prefetch: boolean, testsWithModel: boolean) => {
      let invokes = 0;
      const renderer = new LambdaRenderer({ client: new LambdaClient(clientConfig(cloud.url)), functionName: 'render-chain', manifest: chain, prefetch, onInvoke: () => invokes++ });
      const ctx: RunContext = { manifest: chain, dialect, warehouse: new FinishingWarehouse(), renderer, testsWithModel };
      let state = planRun(chain, { runId: 'r3', command: 'build', startedAt: '2026-12-05T10:00:00.000Z' });
      const perStep: number[] = [];
      for (let i = 0; i < 30 && !state.done; i++) {
        const before = invokes;
        state = await advanceRun(state, ctx);
        perStep.push(invokes - before);
      }
      return { perStep, state };
    };
    for (const testsWithModel of [false, true]) {
      const lazy = await invokesPerStep(false, testsWithModel);
      const ahead = await invokesPerStep(true, testsWithModel);
      expect(outcome(ahead.state)).toEqual(outcome(lazy.state));
      expect(ahead.state.nodes.every((n) => n.status === 'success' || n.status === 'pass')).toBe(true);
      // Each step: the polled model's next plan, the next model's plan and its riding tests, in one Invoke.
      expect(Math.max(...ahead.perStep)).toBe(1);
      if (testsWithModel) {
        // Asked lazily, the tests riding along wait for their model's plan: a second Invoke in the steps that start one.
        expect(Math.max(...lazy.perStep)).toBe(2);
        const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
        expect(total(ahead.perStep)).toBeLessThan(total(lazy.perStep));
      }
    }
  });

  it('throws a RenderPlans crash or a failed Invoke as RenderPlansFailedError naming the function (the state machine retries AdvanceRun)', async () => {
    const crashing = new LocalLambda().register('render-plans', async () => {
      throw new TypeError('out of memory, say');
    });
    const crashCloud = await startLocalCloud({ lambda: crashing });
    try {
      const renderer = new LambdaRenderer({ client: new LambdaClient(clientConfig(crashCloud.url)), functionName: 'render-plans', manifest });
      const failure = runToEnd({ manifest, dialect, warehouse: new FinishingWarehouse(), renderer });
      // Named for the state machine's Retry on AdvanceRun (state-machines/transform-run.asl.json).
      await expect(failure).rejects.toMatchObject({ name: 'RenderPlansFailedError', message: expect.stringMatching(/render-plans failed \(Unhandled\): TypeError: out of memory, say/) });
      // An unknown function (a wrong LANDFALL_RENDER_FUNCTION) fails the same way, naming the SDK's error.
      const misnamed = new LambdaRenderer({ client: new LambdaClient(clientConfig(crashCloud.url)), functionName: 'no-such-function', manifest });
      await expect(runToEnd({ manifest, dialect, warehouse: new FinishingWarehouse(), renderer: misnamed })).rejects.toMatchObject({ name: 'RenderPlansFailedError', message: expect.stringMatching(/ResourceNotFoundException/) });
    } finally {
      await crashCloud.close();
    }
  });

  it('refuses a render whose run state slice is over the 6 MB Invoke quota, naming the node', async () => {
    const renderer = new LambdaRenderer({ client: new LambdaClient(clientConfig(cloud.url)), functionName: 'render-plans', manifest });
    const state = planRun(manifest, { runId: 'r2', command: 'build', vars: { huge: 'x'.repeat(6 * 1024 * 1024) } });
    const node = state.nodes.find((n) => n.name === 'a')!;
    await expect(renderer.plan(node, state)).rejects.toThrow(/rendering a needs 6\.0 MB of run state, more than a synchronous Lambda invocation takes \(6 MB\)/);
  });

  it('refuses a malformed event with what is wrong and where', () => {
    expect(() => parseRenderPlansEvent({})).toThrow(/`requests` must be an array/);
    expect(() => parseRenderPlansEvent({ requests: [{ kind: 'plan', node: { id: 'x', kind: 'model' }, state: { runId: 'r', nodes: [] } }, { kind: 'compile' }] }))
      .toThrow(/requests\[1\]\.kind must be one of/);
  });
});
