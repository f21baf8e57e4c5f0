/**
 * A dbt user's first session, run as they would: from inside their project folder (a subfolder even), with a
 * profiles.yml of two targets chosen by `-t`, `env_var()` in the profile, YAML `--vars`, `compile -s` and
 * `show -s`, a model with a typo whose error names the model file's line, `--fail-fast`, and did-you-mean
 * for a misspelled selection and target.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'landfall.js');
let project: string;

function landfall(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: path.join(project, 'analysis-notes'),
    env: { ...cleanEnv(), NO_COLOR: '1', HELDOUT_SCHEMA: 'from_env' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The environment without the variables that would choose another target or profile. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['DBT_PROFILES_DIR', 'LANDFALL_REDSHIFT_WORKGROUP', 'LANDFALL_REDSHIFT_CLUSTER', 'LANDFALL_TARGET_SCHEMA', 'LANDFALL_DATABASE_URL']) delete env[name];
  return env;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
  fs.writeFileSync(path.join(project, file), text);
}

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-heldout-'));
  write('dbt_project.yml', 'name: heldout\nversion: "1.0"\nprofile: heldout\nvars:\n  factor: 1\n');
  write('profiles.yml', [
    'heldout:',
    '  target: dev',
    '  outputs:',
    '    dev:',
    '      type: landfall',
    "      schema: \"{{ env_var('HELDOUT_SCHEMA') }}\"",
    '      threads: 2',
    '    ci:',
    '      type: landfall',
    '      schema: ci_schema',
    '',
  ].join('\n'));
  write('seeds/raw_orders.csv', 'id,amount\n1,10\n2,20\n3,30\n');
  write('models/orders.sql', "{{ config(materialized='table') }}\nselect\n  id,\n  amount * {{ var('factor') }} as amount,\n  '{{ var('label', 'none') }}' as label\nfrom {{ ref('raw_orders') }}\n");
  write('models/broken.sql', "{{ config(materialized='table') }}\n-- the typo is on line 5\nselect\n  id,\n  amont as amount\nfrom {{ ref('orders') }}\n");
  write('models/after_broken.sql', "select * from {{ ref('broken') }}\n");
  write('models/schema.yml', 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests: [unique, not_null]\n');
  fs.mkdirSync(path.join(project, 'analysis-notes'));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('A dbt project run from inside its folder', () => {
  it('builds on the target chosen with -t, with YAML --vars, and names the model file line of a runtime SQL error', () => {
    const { code, stdout } = landfall('build', '-t', 'ci', '--vars', '{factor: 5, label: big}');
    expect(code).toBe(1);
    expect(stdout).toContain('OK created sql table model ci_schema.orders');
    expect(stdout).toMatch(/ERROR: column "amont" does not exist\n\s+LINE \d+:\s+amont as amount\n\s+\^\n\s+at models\/broken\.sql:5/);
    expect(stdout).toContain('Model broken (models/broken.sql:5)');
    // Its state folder is the project's, whatever the subfolder: the next command reads the same warehouse.
    expect(fs.existsSync(path.join(project, '.landfall'))).toBe(true);
    const rows = JSON.parse(landfall('query', 'select id, amount, label from ci_schema.orders order by id', '--json').stdout);
    expect(rows).toEqual([{ id: 1, amount: 50, label: 'big' }, { id: 2, amount: 100, label: 'big' }, { id: 3, amount: 150, label: 'big' }]);
    // dbt writes what each model ran to target/run/…
    expect(fs.readFileSync(path.join(project, 'target', 'run', 'heldout', 'models', 'orders.sql'), 'utf8')).toContain('amount * 5 as amount');
  });

  it('uses the default target (env_var rendered) without -t, and says which outputs exist for a wrong one', () => {
    const built = landfall('build', '-s', 'raw_orders');
    expect(built.stdout).toContain('seed file from_env.raw_orders');
    const wrong = landfall('build', '-t', 'prd');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("profile 'heldout' has no output 'prd'");
    expect(wrong.stderr).toContain('its outputs: dev, ci');
  });

  it('compile -s prints the compiled SQL and writes target/compiled; show -s and show --inline preview rows', () => {
    const compiled = landfall('compile', '-s', 'orders', '-t', 'ci', '--vars', 'factor: 7');
    expect(compiled.code).toBe(0);
    expect(compiled.stdout).toContain("Compiled node 'orders' is:");
    expect(compiled.stdout).toContain('amount * 7 as amount');
    expect(fs.readFileSync(path.join(project, 'target', 'compiled', 'heldout', 'models', 'orders.sql'), 'utf8')).toContain('"ci_schema"."raw_orders"');
    expect(fs.existsSync(path.join(project, 'target', 'compiled', 'heldout', 'models', 'schema.yml', 'unique_orders_id.sql'))).toBe(true);

    const shown = landfall('show', '-s', 'orders', '-t', 'ci', '--limit', '2');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/Previewing node 'orders':\n\s*id \| amount \| label/);
    expect(shown.stdout).toContain('(2 rows, limit 2)');
    const inline = landfall('show', '--inline', "select count(*) as n from {{ ref('orders') }}", '-t', 'ci');
    expect(inline.stdout).toMatch(/\n\s+3\n/);
  });

  it('ls prints names, paths or dbt-style JSON with chosen keys', () => {
    const json = landfall('ls', '-s', 'orders', '--output', 'json', '--output-keys', 'name original_file_path');
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l))).toContainEqual({ name: 'orders', original_file_path: 'models/orders.sql' });
    expect(landfall('ls', '-s', 'raw_orders', '--output', 'path').stdout.trim()).toBe('seeds/raw_orders.csv');
    expect(landfall('ls', '--output', 'jsn').stderr).toContain("did you mean 'json'?");
  });

  it('suggests close names for a selection that matches nothing, and stops after the first failure with --fail-fast', () => {
    const typo = landfall('show', '-s', 'ordrs', '-t', 'ci');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("'ordrs' matches no node (did you mean orders?)");
    // Independent models: only --fail-fast stops them once a_broken (scheduled first) has failed.
    write('models/a_broken.sql', 'select amont from (select 1 as id) t\n');
    for (const name of ['z_one', 'z_two', 'z_three', 'z_four']) write(`models/${name}.sql`, 'select 1 as id\n');
    const failFast = landfall('run', '-t', 'ci', '-x', '--threads', '1', '-s', 'a_broken', 'z_one', 'z_two', 'z_three', 'z_four', '--json');
    const results = JSON.parse(failFast.stdout) as { results: { name: string; status: string; message: string | null }[] };
    expect(failFast.code).toBe(1);
    expect(results.results.find((r) => r.name === 'a_broken')!.status).toBe('error');
    const stopped = results.results.filter((r) => r.status === 'skipped');
    expect(stopped.length).toBeGreaterThanOrEqual(2);
    for (const r of stopped) expect(r.message).toBe('skipped: --fail-fast: a_broken failed');
    const without = JSON.parse(landfall('run', '-t', 'ci', '--threads', '1', '-s', 'a_broken', 'z_one', 'z_two', 'z_three', 'z_four', '--json').stdout) as typeof results;
    expect(without.results.filter((r) => r.status === 'success')).toHaveLength(4);
  });
});
