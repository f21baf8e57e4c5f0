/**
 * The alert's SQL is rendered for AdvanceRun (by its renderer) when a node fails and stored beside the run state (src/runtime/reproduce-sql.ts),
 * so that PublishAlert needs no template engine: the stored SQL is what rendering the same run state gives.
 */
import path from 'node:path';
import { dialects, inProcessRenderer, planRun, renderTests, type RunState } from '../../src/engine';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { renderReproduceSql, withReproduceSql } from '../../src/runtime/reproduce-sql';

const PROJECT = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');
const manifest = compileManifest(readProjectFiles(PROJECT), { target: { name: 'dev', type: 'postgres', schema: 'reproduce', database: 'dev' } });

const renderer = inProcessRenderer({ manifest, dialect: dialects.postgres });

function plannedRun(): RunState {
  return planRun(manifest, { runId: 'run-1', command: 'build', startedAt: '2026-12-05T10:00:00.000Z', vars: {} });
}

describe('reproduce SQL for the failure alert', () => {
  it('records nothing while nothing failed (a passing run state is written unchanged)', async () => {
    const run = plannedRun();
    expect(await withReproduceSql(run, manifest, undefined, renderer)).toBeUndefined();
  });

  it("renders a failing test's SQL and an errored model's SELECT once, from the run state, without Jinja left in it", async () => {
    const run = plannedRun();
    const testsNode = run.nodes.find((n) => n.kind === 'tests' && (n.testIds?.length ?? 0) > 0)!;
    const failing = testsNode.testIds![0]!;
    testsNode.status = 'fail';
    testsNode.finishedAt = '2026-12-05T10:01:00.000Z';
    testsNode.tests = testsNode.testIds!.map((id) => ({ id, name: manifest.tests[id]!.name, status: id === failing ? 'fail' as const : 'pass' as const, failures: id === failing ? 2 : 0 }));
    const model = run.nodes.find((n) => n.kind === 'model')!;
    model.status = 'error';
    model.finishedAt = '2026-12-05T10:00:30.000Z';

    const recorded = (await withReproduceSql(run, manifest, undefined, renderer))!;
    expect(Object.keys(recorded).sort()).toEqual([model.id, testsNode.id].sort());
    const expected = Object.fromEntries(renderTests(testsNode, run, manifest).map((t) => [t.id, t.sql]));
    expect(recorded[testsNode.id]!.sql).toEqual(expected);
    expect(recorded[testsNode.id]!.sql[failing]).not.toMatch(/\{\{|\{%/);
    expect(recorded[model.id]!.sql[model.id]).toMatch(/select/i);
    expect(recorded[model.id]!.sql[model.id]).not.toMatch(/\{\{|\{%/);
    expect(recorded[model.id]!.finishedAt).toBe(model.finishedAt);

    // The next step keeps what was rendered (same object) until the node fails again at another time (a redrive).
    expect(await withReproduceSql(run, manifest, recorded, renderer)).toBe(recorded);
    model.finishedAt = '2026-12-05T11:00:00.000Z';
    const again = (await withReproduceSql(run, manifest, recorded, renderer))!;
    expect(again).not.toBe(recorded);
    expect(again[model.id]!.finishedAt).toBe('2026-12-05T11:00:00.000Z');
  });

  it('leaves out what cannot be rendered (the alert then shows the raw SQL)', () => {
    const run = plannedRun();
    const model = run.nodes.find((n) => n.kind === 'model')!;
    const broken = { ...manifest, models: { ...manifest.models, [model.id]: { ...manifest.models[model.id]!, rawSql: 'select {{ no_such_macro() }}' } } };
    expect(renderReproduceSql(model, run, broken)).toEqual({});
  });
});
