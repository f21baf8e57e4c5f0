import { printRunEvent, printRunSummary } from '../../src/cli/progress';
import { compileManifest } from '../../src/engine/project/compile-manifest';
import { planRun } from '../../src/engine/run/plan-run';
import type { RunNode } from '../../src/engine/run/run-state';

const manifest = compileManifest({
  root: '/nowhere',
  project: { name: 'shop', 'on-run-start': ['select 1', 'select 2'], 'on-run-end': ['select 3'] },
  models: [{ file: 'models/a.sql', relative: 'a.sql', text: 'select 1 as id' }],
  singularTests: [], macros: [], seeds: [], properties: [],
}, { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } });

const unstamped = (line: string) => line.replace(/^\d\d:\d\d:\d\d  /, '').trim();

/** The printed lines without their time stamps and dots. */
function printed(events: { type: 'node_started' | 'node_finished'; node: RunNode; index: number; total: number }[]): string[] {
  const lines: string[] = [];
  for (const e of events) printRunEvent({ ...e, durationMs: 20 } as never, manifest, (line) => lines.push(unstamped(line).replace(/ \.+ /, ' … ')));
  return lines;
}

describe('Progress: project hooks', () => {
  it("prints the hooks as dbt 1.10 does, the on-run-start and on-run-end phases set apart by blank lines", () => {
    const [start0, start1, , end0] = planRun(manifest, { runId: 'r', command: 'run' }).nodes;
    expect(printed([
      { type: 'node_started', node: start0!, index: 1, total: 2 },
      { type: 'node_finished', node: { ...start0!, status: 'success' }, index: 1, total: 2 },
      { type: 'node_finished', node: { ...start1!, status: 'error', error: 'ERROR: boom' }, index: 2, total: 2 },
      { type: 'node_started', node: end0!, index: 1, total: 1 },
      { type: 'node_finished', node: { ...end0!, status: 'skipped' }, index: 1, total: 1 },
    ])).toEqual([
      '1 of 2 START hook: shop.on-run-start.0 … [RUN]',
      '1 of 2 OK hook: shop.on-run-start.0 … [OK in 0.02s]',
      '2 of 2 ERROR hook: shop.on-run-start.1 … [ERROR in 0.02s]',
      'ERROR: boom',
      '',
      '',
      '1 of 1 START hook: shop.on-run-end.0 … [RUN]',
      '1 of 1 SKIP hook: shop.on-run-end.0 … [SKIP]',
    ]);
  });

  it('counts the hooks apart in the summary and lists a failed hook with its file', () => {
    const state = planRun(manifest, { runId: 'r', command: 'run' });
    state.nodes.forEach((n) => { n.status = 'success'; });
    state.nodes[1]!.status = 'error';
    state.nodes[1]!.error = 'ERROR: boom';
    const lines: string[] = [];
    printRunSummary(state, manifest, 1000, (line) => lines.push(unstamped(line)));
    expect(lines).toContain('Finished running 3 project hooks, 1 nodes and 0 tests in 1.00s.');
    expect(lines).toContain('Hook shop.on-run-start.1 (dbt_project.yml): ERROR: boom');
    expect(lines[lines.length - 1]).toBe('Done. PASS=3 WARN=0 ERROR=1 SKIP=0 TOTAL=4');
  });
});
