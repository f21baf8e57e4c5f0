import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { advanceRun } from '../../../src/engine/run/advance-run';
import { planRun } from '../../../src/engine/run/plan-run';
import { replanUnfinished } from '../../../src/engine/run/redrive-run';
import { dialects } from '../../../src/engine/dialects';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { RunState } from '../../../src/engine/run/run-state';
import { StatementNotFoundError, type ResultSet, type StatementDescription, type Warehouse } from '../../../src/engine/warehouse/warehouse';
import { inProcessRenderer } from '../../../src/engine/run/render-in-process';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/** Records submits with their client tokens; statements of models named in `failing` end FAILED; `forget` empties its memory. */
class RecordingWarehouse implements Warehouse {
  submits: { name: string; token: string }[] = [];
  known = new Map<string, string>();
  constructor(public failing = new Set<string>()) {}
  async submit(_sqls: string | string[], options?: { name?: string; clientToken?: string }): Promise<string> {
    const id = `s${this.submits.length + 1}`;
    this.submits.push({ name: options?.name ?? '', token: options?.clientToken ?? '' });
    this.known.set(id, options?.name ?? '');
    return id;
  }
  async describe(id: string): Promise<StatementDescription> {
    const name = this.known.get(id);
    if (name === undefined) throw new StatementNotFoundError(`Query does not exist: ${id}`);
    const failed = [...this.failing].some((model) => name.includes(`/${model}/`));
    return { id, status: failed ? 'FAILED' : 'FINISHED', error: failed ? 'boom' : undefined, hasResultSet: false, resultRows: 0, durationMs: 1 };
  }
  async fetchRows(): Promise<ResultSet> {
    return { columns: [], rows: [] };
  }
  async cancel(): Promise<void> {}
}

function manifest() {
  const files: ProjectFiles = {
    root: '/nowhere', project: { name: 'p' },
    models: [
      { file: 'models/a.sql', relative: 'a.sql', text: 'select 1 as id' },
      { file: 'models/b.sql', relative: 'b.sql', text: "select * from {{ ref('a') }}" },
      { file: 'models/c.sql', relative: 'c.sql', text: "select * from {{ ref('b') }}" },
      { file: 'models/d.sql', relative: 'd.sql', text: 'select 2 as id' },
    ],
    singularTests: [], macros: [], seeds: [], properties: [],
  };
  return compileManifest(files, { target });
}

async function runToEnd(state: RunState, ctx: Parameters<typeof advanceRun>[1]): Promise<RunState> {
  for (let i = 0; i < 20 && !state.done; i++) state = await advanceRun(state, ctx);
  return state;
}

describe('replanUnfinished (redrive)', () => {
  it('plans the failed, skipped and unfinished nodes again with a new attempt and new client tokens, leaving what passed', async () => {
    const m = manifest();
    const warehouse = new RecordingWarehouse(new Set(['b']));
    const ctx = { manifest: m, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest: m, dialect: dialects.postgres }), warehouse };
    const failed = await runToEnd(planRun(m, { runId: 'r1', command: 'build' }), ctx);
    const status = (s: RunState) => Object.fromEntries(s.nodes.map((n) => [n.name, n.status]));
    expect(status(failed)).toEqual({ a: 'success', b: 'error', c: 'skipped', d: 'success' });

    const { state, replanned } = replanUnfinished(failed);
    expect(replanned.map((id) => id.split('.').pop()).sort()).toEqual(['b', 'c']);
    expect(state.done).toBe(false);
    expect(state.nodes.find((n) => n.name === 'a')).toBe(failed.nodes.find((n) => n.name === 'a'));
    expect(state.nodes.find((n) => n.name === 'b')).toMatchObject({ status: 'pending', attempt: 1 });
    expect(state.nodes.find((n) => n.name === 'b')!.error).toBeUndefined();

    warehouse.failing.clear();
    const firstTokens = new Set(warehouse.submits.map((s) => s.token));
    const before = warehouse.submits.length;
    const resumed = await runToEnd(state, ctx);
    expect(status(resumed)).toEqual({ a: 'success', b: 'success', c: 'success', d: 'success' });
    const again = warehouse.submits.slice(before);
    expect(again.map((s) => s.name.split('/')[2]).sort()).toEqual(['b', 'c']);
    for (const submit of again) expect(firstTokens.has(submit.token)).toBe(false);
  });

  it('restarts a running node whose statement id the Data API no longer knows (expired after 24 h) with a new attempt', async () => {
    const m = manifest();
    const warehouse = new RecordingWarehouse();
    const ctx = { manifest: m, dialect: dialects.postgres, renderer: inProcessRenderer({ manifest: m, dialect: dialects.postgres }), warehouse };
    const started = await advanceRun(planRun(m, { runId: 'r2', command: 'build' }), ctx);
    const running = started.nodes.filter((n) => n.status === 'running');
    expect(running.length).toBeGreaterThan(0);
    warehouse.known.clear();
    const next = await advanceRun(started, ctx);
    for (const node of running) {
      const after = next.nodes.find((n) => n.id === node.id)!;
      expect(after.attempt).toBe(1);
      expect(['pending', 'running']).toContain(after.status);
    }
    const done = await runToEnd(next, ctx);
    expect(done.nodes.every((n) => n.status === 'success')).toBe(true);
  });
});
