/**
 * `landfall debug` as a dbt user runs it: the profile's output of type redshift reached through the Redshift Data
 * API (here a local Data API endpoint, as AWS_ENDPOINT_URL_REDSHIFT_DATA points the SDK at it), a round trip, the
 * privileges checked; and a broken output explained with its fix.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectLocalWarehouse, openLocalSqlEngines, type LocalWarehouse } from '../../src/local/local-warehouse';
import type { SqlEngine } from '../../src/local/sql-engine/sql-engine';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'landfall.js');
let work: string;
let engines: SqlEngine[];
let dataApi: LocalWarehouse;

function landfall(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', AWS_ENDPOINT_URL_REDSHIFT_DATA: dataApi.url, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1' };
  for (const name of ['DBT_PROFILES_DIR', 'LANDFALL_REDSHIFT_WORKGROUP', 'LANDFALL_REDSHIFT_CLUSTER', 'LANDFALL_TARGET_SCHEMA', 'LANDFALL_DATABASE_URL', 'AWS_PROFILE']) delete env[name];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-debug-'));
  fs.writeFileSync(path.join(work, 'dbt_project.yml'), 'name: shop\nversion: "1.0"\nprofile: shop\n');
  fs.mkdirSync(path.join(work, 'models'));
  fs.writeFileSync(path.join(work, 'models', 'orders.sql'), "select * from {{ source('app', 'orders') }}\n");
  fs.writeFileSync(path.join(work, 'models', 'sources.yml'), 'version: 2\nsources:\n  - name: app\n    schema: raw\n    tables:\n      - name: orders\n');
  fs.writeFileSync(path.join(work, 'profiles.yml'), [
    'shop:',
    '  target: prod',
    '  outputs:',
    '    prod:',
    '      type: redshift',
    '      workgroup_name: analytics',
    '      dbname: dev',
    '      schema: marts',
    '      region: us-east-1',
    '    broken:',
    '      type: redshift',
    '      dbname: dev',
    '      schema: marts',
    '',
  ].join('\n'));
  engines = await openLocalSqlEngines({ stateDir: path.join(work, 'warehouse-under-test') });
  dataApi = await connectLocalWarehouse(engines);
  const { runQuery } = await import('../../src/engine/warehouse/run-query');
  await runQuery(dataApi.warehouse, ['create schema raw', 'create table raw.orders (id int)']);
});
afterAll(async () => {
  await dataApi?.close();
  for (const engine of engines ?? []) await engine.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('landfall debug', () => {
  it('goes through the Data API for a redshift output and checks privileges on the target and the sources', async () => {
    const { code, stdout } = await landfall('debug');
    expect(stdout).toContain(`profiles.yml: ${path.join(work, 'profiles.yml')}`);
    expect(stdout).toContain('profile shop, target prod (type redshift; outputs: prod, broken)');
    expect(stdout).toContain('runs on: Redshift Data API: workgroup analytics, database dev, as your IAM identity, region us-east-1; dialect redshift; schema marts');
    expect(stdout).toMatch(/round trip as \S+ on dev in \d+ ms \.+ \[OK\]/);
    expect(stdout).toMatch(/CREATE on database \(schema marts does not exist yet\) \.+ \[OK\]/);
    expect(stdout).toMatch(/SELECT on source raw\.orders \.+ \[OK\]/);
    expect(stdout).toContain('All checks passed!');
    expect(code).toBe(0);
  });

  it('explains an output it cannot use, with the fix, and exits 1', async () => {
    const { code, stdout } = await landfall('debug', '-t', 'broken');
    expect(code).toBe(1);
    expect(stdout).toContain("output 'broken' of profile 'shop' (type redshift)");
    expect(stdout).toContain('set cluster_id (or a dbt-redshift host) (provisioned) or workgroup_name (Serverless)');
  });
});
