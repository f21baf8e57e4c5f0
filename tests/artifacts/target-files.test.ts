/** Where the CLI's artifacts land (dbt's target path rules) and what a build leaves there. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { planRun } from '../../src/engine/run/plan-run';
import { targetDir, writeTargetArtifacts } from '../../src/artifacts/target-files';

const JAFFLE = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');

describe('target files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-target-'));
    fs.cpSync(JAFFLE, path.join(dir, 'project'), { recursive: true, filter: (f) => !/\/(target|logs)$/.test(f) });
  });
  afterEach(() => {
    delete process.env.DBT_TARGET_PATH;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("follows dbt's target path: DBT_TARGET_PATH, else target-path in dbt_project.yml, else <project>/target", () => {
    const project = path.join(dir, 'project');
    expect(targetDir(project)).toBe(path.join(project, 'target'));
    fs.appendFileSync(path.join(project, 'dbt_project.yml'), '\ntarget-path: "build_output"  # moved\n');
    expect(targetDir(project)).toBe(path.join(project, 'build_output'));
    process.env.DBT_TARGET_PATH = path.join(dir, 'elsewhere');
    expect(targetDir(project)).toBe(path.join(dir, 'elsewhere'));
  });

  it('writes manifest.json and run_results.json for a build, sources.json for freshness, and nothing half-written', () => {
    const project = path.join(dir, 'project');
    const manifest = compileManifest(readProjectFiles(project), { target: { name: 'dev', type: 'postgres', schema: 'x', database: 'dev' } });
    const state = planRun(manifest, { runId: 'r1', command: 'build', select: ['stg_orders'], exclude: [], fullRefresh: false, vars: {} });
    const written = writeTargetArtifacts({
      projectDir: project, manifest, invocationId: 'r1', startedAt: new Date(),
      run: { state, args: { which: 'build' }, elapsedSeconds: 0 },
      freshness: { results: [], elapsedSeconds: 0 },
    });
    expect(written.map((f) => path.basename(f))).toEqual(['manifest.json', 'run_results.json', 'sources.json']);
    expect(fs.readdirSync(path.join(project, 'target')).sort()).toEqual(['manifest.json', 'run_results.json', 'sources.json']);
    const results = JSON.parse(fs.readFileSync(path.join(project, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string }[] };
    // A run that never advanced: every planned node reported skipped, with dbt's ids.
    expect(results.results.map((r) => r.unique_id)).toContain('model.jaffle_mart.stg_orders');
    expect(new Set(results.results.map((r) => r.status))).toEqual(new Set(['skipped']));
    const manifestJson = JSON.parse(fs.readFileSync(path.join(project, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string }> };
    expect(manifestJson.nodes['model.jaffle_mart.stg_orders']?.compiled_code).toBeUndefined();
  });

  it('compile and docs generate put the rendered SQL in compiled_code', () => {
    const project = path.join(dir, 'project');
    const manifest = compileManifest(readProjectFiles(project), { target: { name: 'dev', type: 'postgres', schema: 'x', database: 'dev' } });
    writeTargetArtifacts({ projectDir: project, manifest, invocationId: 'c1', startedAt: new Date(), compiledCode: true });
    const manifestJson = JSON.parse(fs.readFileSync(path.join(project, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { compiled_code?: string; raw_code: string }> };
    const node = manifestJson.nodes['model.jaffle_mart.stg_orders']!;
    expect(node.raw_code).toContain('{{');
    expect(node.compiled_code).toMatch(/from "dev"\."x"\."raw_orders"|from "x"\."raw_orders"/);
    expect(node.compiled_code).not.toContain('{{');
  });
});
