/**
 * `landfall build --project-dir <any dbt project> --json` as a user runs it: a separate process, the
 * embedded warehouse, dbt's build semantics, a machine-readable result and a meaningful exit code.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const PROJECT = path.join(REPO, 'tests', 'fixtures', 'projects', 'jaffle');
let stateDir: string;

function landfall(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(REPO, 'bin', 'landfall.js'), ...args, '--project-dir', PROJECT, '--state-dir', stateDir, '--target-schema', 'jaffle'], { encoding: 'utf8', cwd: REPO });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-cli-'));
});
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

describe('Command: landfall build --json', () => {
  it('builds seeds and models in order, runs their tests, skips downstream of a failing test, and exits 1', () => {
    const { code, stdout } = landfall('build', '--json');
    const result = JSON.parse(stdout) as { success: boolean; results: { name: string; resource_type: string; status: string; failures?: number }[] };
    const byName = Object.fromEntries(result.results.map((r) => [r.name, r]));

    expect(code).toBe(1);
    expect(result.success).toBe(false);
    expect(byName.raw_customers!.status).toBe('success');
    expect(byName.stg_customers!.status).toBe('success');
    // 'returned' is not an accepted status: the test fails with one row, and customers (downstream) is skipped.
    expect(byName.accepted_values_stg_orders_status__placed__shipped__completed__return_pending).toMatchObject({ status: 'fail', failures: 1 });
    expect(byName.relationships_stg_orders_customer_id__customer_id__ref_stg_customers_!.status).toBe('pass');
    expect(byName.assert_orders_have_dates!.status).toBe('pass');
    expect(byName.customers!.status).toBe('skipped');
    expect(byName.unique_customers_customer_id!.status).toBe('skipped');
  });

  it('builds the selection after the data is fixed, with correct contents', () => {
    const fixed = landfall('query', "update jaffle.raw_orders set status = 'return_pending' where status = 'returned'");
    expect(fixed.code).toBe(0);
    const { code, stdout } = landfall('build', '--select', 'stg_orders+', '--json');
    const result = JSON.parse(stdout) as { success: boolean; results: { name: string; status: string }[] };
    expect(code).toBe(0);
    expect(result.results.map((r) => r.name)).toContain('customers');
    expect(result.results.map((r) => r.name)).not.toContain('raw_orders');

    const rows = JSON.parse(landfall('query', 'select customer_id, first_name, number_of_orders from jaffle.customers order by customer_id', '--json').stdout);
    expect(rows).toEqual([
      { customer_id: 1, first_name: 'Michael', number_of_orders: 2 },
      { customer_id: 2, first_name: 'Shawn', number_of_orders: 1 },
      { customer_id: 3, first_name: 'Kathleen', number_of_orders: 1 },
    ]);
  });

  it('gives the same answers through the AWS SDK client and the local Data API endpoint with --via-data-api', () => {
    const sql = 'select customer_id, number_of_orders from jaffle.customers order by customer_id';
    const direct = landfall('query', sql, '--json');
    const viaDataApi = landfall('query', sql, '--json', '--via-data-api');
    expect(viaDataApi.code).toBe(0);
    expect(JSON.parse(viaDataApi.stdout)).toEqual(JSON.parse(direct.stdout));
    const rebuilt = JSON.parse(landfall('run', '--select', 'customers', '--json', '--via-data-api').stdout);
    expect(rebuilt.results.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([['customers', 'success']]);
  });

  it('rebuilds a view whose columns changed, keeping the views that read it', () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-views-'));
    fs.cpSync(PROJECT, project, { recursive: true });
    fs.writeFileSync(path.join(project, 'models', 'staging', 'stg_recent_orders.sql'), "select order_id, status from {{ ref('stg_orders') }}\n");
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'bin', 'landfall.js'), ...args, '--project-dir', project, '--state-dir', stateDir, '--target-schema', 'views'], { encoding: 'utf8', cwd: REPO });
    expect(run('seed').status).toBe(0);
    expect(run('run').status).toBe(0);
    // A new first column: PostgreSQL refuses `create or replace view`, so the staged swap takes over.
    fs.writeFileSync(path.join(project, 'models', 'staging', 'stg_orders.sql'), "select 'web' as channel, id as order_id, user_id as customer_id, order_date, status from {{ ref('raw_orders') }}\n");
    const rebuilt = run('run', '--select', 'stg_orders', '--json');
    expect(JSON.parse(rebuilt.stdout).success).toBe(true);
    const rows = JSON.parse(run('query', 'select count(*) as n, min(o.channel) as channel from views.stg_recent_orders r join views.stg_orders o using (order_id)', '--json').stdout);
    expect(rows).toEqual([{ n: 4, channel: 'web' }]);
  });

  it('names the file and line of an unknown ref', () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-broken-'));
    fs.cpSync(PROJECT, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'models', 'marts', 'bad.sql'), 'select 1 as x\nfrom {{ ref("stg_custmers") }}\n');
    const result = spawnSync(process.execPath, [path.join(REPO, 'bin', 'landfall.js'), 'build', '--project-dir', broken, '--state-dir', stateDir], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("models/marts/bad.sql:2: ref('stg_custmers') does not match any model or seed (did you mean 'stg_customers'?)");
  });
});
