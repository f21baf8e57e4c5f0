/**
 * Slim CI against a manifest dbt-core wrote: `dbt parse` of the ecommerce_marts compat project gives production's
 * manifest.json (v12); the project is then changed (a model's SQL, a root macro called directly, a macro reached only
 * through adapter.dispatch, a seed file, an in-file config, a new model) and `ls --select state:…` with `--state` on that
 * manifest must list the same nodes with dbt-core and landfall. Opt-in with LANDFALL_COMPAT=1 (scripts/run-compat.sh).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DBT_BIN, DEFAULT_DATABASE_URL, loadProject, REPO_ROOT } from './support/differential';
import { withSkipReason } from '../support/skip-reason';

const run = promisify(execFile);
const databaseUrl = process.env.LANDFALL_COMPAT_DATABASE_URL ?? DEFAULT_DATABASE_URL;
const optedIn = process.env.LANDFALL_COMPAT === '1' && fs.existsSync(DBT_BIN);

const SELECTORS = [
  'state:modified', 'state:new', 'state:modified.body', 'state:modified.configs', 'state:modified.macros',
  'state:modified.relation', 'state:modified+',
];

/** The changes a pull request makes to the project: file → edit. */
function change(dir: string): void {
  const edit = (file: string, fn: (text: string) => string) => fs.writeFileSync(path.join(dir, file), fn(fs.readFileSync(path.join(dir, file), 'utf8')));
  fs.writeFileSync(path.join(dir, 'models/marts/core/brand_new.sql'), 'select 1 as id\n');
  edit('models/staging/stg_products.sql', (t) => `${t}\n-- changed\n`);
  edit('seeds/product_categories.csv', (t) => `${t.trimEnd()}\n99,Other,0.1\n`);
  // Reached only through adapter.dispatch: dbt-core does not see it (nor does landfall).
  edit('macros/money.sql', (t) => t.replace('/ 100.0)', '/ 100.00)'));
  // Called directly by models: they are modified.macros.
  edit('macros/pivot_helpers.sql', (t) => t.replace('else 0 end)', 'else 0 end) '));
  edit('models/intermediate/int_orders_joined.sql', (t) => `{{ config(tags=["changed_tag"]) }}\n${t}`);
  edit('models/marts/finance/payment_method_mix.sql', (t) => t.replace("materialized='view'", "materialized='table'"));
}

(optedIn ? describe : describe.skip)(withSkipReason('--state with a manifest.json dbt-core wrote', optedIn ? undefined : 'needs dbt-core (.venv-dbt): npm run test:compat (LANDFALL_COMPAT=1) runs it'), () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dbt-state-'));
  const project = loadProject('ecommerce_marts');
  const dir = path.join(work, 'project');
  const prod = path.join(work, 'prod');
  const db = new URL(databaseUrl);
  const vars = JSON.stringify({ raw_schema: 'dbt_state_raw', ...project.vars });
  const env = { ...process.env, ...project.env };

  beforeAll(async () => {
    fs.cpSync(project.dir, dir, { recursive: true, filter: (src) => !['target', 'logs', '.landfall'].includes(path.basename(src)) });
    fs.writeFileSync(path.join(work, 'profiles.yml'), `compat:\n  target: local\n  outputs:\n    local:\n      type: postgres\n      host: ${db.hostname}\n      port: ${db.port || 5432}\n      user: ${decodeURIComponent(db.username)}\n      password: "${decodeURIComponent(db.password)}"\n      dbname: ${db.pathname.slice(1)}\n      schema: dbt_state\n      threads: 1\n`);
    await run(DBT_BIN, ['parse', '--project-dir', dir, '--profiles-dir', work, '--target-path', prod, '--vars', vars], { env, cwd: dir });
    change(dir);
  }, 120_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('reads a v12 manifest', () => {
    expect(JSON.parse(fs.readFileSync(path.join(prod, 'manifest.json'), 'utf8')).metadata.dbt_schema_version).toMatch(/manifest\/v12\.json$/);
  });

  for (const selector of SELECTORS) {
    it(`ls --select ${selector} lists what dbt-core lists`, async () => {
      const dbt = await run(DBT_BIN, ['-q', 'ls', '--project-dir', dir, '--profiles-dir', work, '--target-path', path.join(work, 'current'), '--vars', vars, '--select', selector, '--state', prod], { env, cwd: dir });
      const landfall = await run(process.execPath, [path.join(REPO_ROOT, 'bin/landfall.js'), 'ls', '--project-dir', dir, '--state-dir', path.join(work, 'lf'), '--vars', vars, '--select', selector, '--state', prod], { env, cwd: REPO_ROOT });
      const lines = (out: string) => out.split('\n').map((l) => l.trim()).filter(Boolean).sort();
      expect(lines(landfall.stdout)).toEqual(lines(dbt.stdout));
      if (selector === 'state:modified') expect(lines(dbt.stdout).length).toBeGreaterThan(5);
    }, 120_000);
  }
});
