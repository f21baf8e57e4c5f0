/**
 * The run history end to end in-process: the transform run's own cores (PlanRun, AdvanceRun, RecordRun, EndFailedRun) on PGlite,
 * with the run state and the history in the local S3 endpoint through the real S3 client. A run whose test fails is
 * recorded as failed with dbt's ids; a second run of the same project reuses the manifest object; the index lists the
 * newest first; a crashed run is recorded as crashed.
 */
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { dialects, inProcessRenderer } from '../../src/engine';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { type LocalCloud, startLocalCloud } from '../../src/local/aws/local-cloud';
import { LocalS3 } from '../../src/local/aws/s3';
import { S3RunHistoryStore } from '../../src/runtime/run-history-store';
import { recordTransformRun } from '../../src/runtime/record-run';
import { S3RunStateStore } from '../../src/runtime/run-state-store';
import { advanceTransformRun, startTransformRun, type AdvanceRunDependencies } from '../../src/runtime/transform-run';
import { endFailedRun } from '../../src/runtime/end-failed-run';
import { indexKey, consoleUrl } from '../../src/artifacts/run-history';
import { clientConfig, makeStateDir } from '../local/aws/support';
import { usePGliteWarehouse } from '../support/pglite-warehouse';

const PROJECT = path.resolve(__dirname, '..', 'compat', 'projects', 'jaffle_mart');
const ARN_PREFIX = 'arn:aws:states:eu-west-1:123456789012:execution:landfall-transform';

describe('run history in S3', () => {
  const db = usePGliteWarehouse();
  let stateDir: string;
  let remove: () => void;
  let cloud: LocalCloud;
  let client: S3Client;
  let history: S3RunHistoryStore;
  let deps: AdvanceRunDependencies;

  beforeAll(async () => {
    ({ stateDir, remove } = makeStateDir());
    const s3 = new LocalS3(path.join(stateDir, 's3'));
    s3.createBucket('run-state');
    cloud = await startLocalCloud({ s3 });
    client = new S3Client({ ...clientConfig(cloud.url), forcePathStyle: true });
    history = new S3RunHistoryStore(client, 'run-state');
    const manifest = compileManifest(readProjectFiles(PROJECT), { target: { name: 'dev', type: 'postgres', schema: 'history_test', database: 'dev' } });
    deps = { manifest, dialect: dialects.postgres, warehouse: db.warehouse, runStates: new S3RunStateStore(client, 'run-state', 'runs/'), history, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }) };
  });

  afterAll(async () => {
    client.destroy();
    await cloud.close();
    remove();
  });

  async function runToEnd(name: string): Promise<void> {
    let payload = await startTransformRun({ command: 'build', reason: 'console build for the history test' }, { arn: `${ARN_PREFIX}:${name}`, name }, deps);
    // The state machine's Wait between AdvanceRuns: AdvanceRun polls only statements that are due by the clock.
    for (let i = 0; !payload.done && i < 200; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, payload.waitSeconds * 1000));
      payload = await advanceTransformRun(payload, deps);
    }
    expect(payload.done).toBe(true);
    // AdvanceRun records nothing: the state machine's RecordRun does, once the run is done.
    expect(await keys(`history/runs/${name}/`)).toEqual([]);
    await recordTransformRun(payload, deps);
  }

  async function keys(prefix: string): Promise<string[]> {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'run-state', Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key!);
  }

  it('records a finished run: dbt run_results with dbt ids and landfall facts, the manifest once, an index entry', async () => {
    await runToEnd('run-a');
    const results = await history.readRunResults('run-a');
    expect(results.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/run-results/v6.json');
    expect(results.metadata.invocation_id).toBe('run-a');
    const env = results.metadata.env as Record<string, string>;
    expect(env).toMatchObject({ LANDFALL_EXECUTION_NAME: 'run-a', LANDFALL_TRIGGER: 'console', LANDFALL_EXECUTION_ARN: `${ARN_PREFIX}:run-a` });
    // jaffle_mart's accepted_values test fails on purpose; its id carries dbt-core's hash (as in tests/compat).
    const failed = results.results.filter((r) => r.status === 'fail').map((r) => r.unique_id);
    expect(failed).toEqual([expect.stringMatching(/^test\.jaffle_mart\.accepted_values_orders_status__placed__shipped__completed__return_pending\.[0-9a-f]{10}$/)]);
    expect(results.results.find((r) => r.unique_id === 'model.jaffle_mart.customers')?.status).toBe('skipped');
    const landfall = results.args.landfall as { status: string; execution: { consoleUrl: string }; manifest_key: string };
    expect(landfall.status).toBe('failed');
    expect(landfall.execution.consoleUrl).toBe(consoleUrl(`${ARN_PREFIX}:run-a`));
    expect(landfall.execution.consoleUrl).toContain('eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/');
    expect(await keys('history/manifests/')).toEqual([landfall.manifest_key]);
    const [entry] = await history.list();
    expect(entry).toMatchObject({ runId: 'run-a', status: 'failed', trigger: { kind: 'console' }, runResultsKey: 'history/runs/run-a/run_results.json', manifestKey: landfall.manifest_key });
    expect(entry!.counts.test_fail).toBe(1);
  }, 120_000);

  it('stores an unchanged manifest once and lists the newest run first', async () => {
    await runToEnd('run-b');
    expect(await keys('history/manifests/')).toHaveLength(1);
    expect((await history.list()).map((e) => e.runId)).toEqual(['run-b', 'run-a']);
    expect((await history.list(1)).map((e) => e.runId)).toEqual(['run-b']);
  }, 120_000);

  it('records a crashed run as crashed from EndFailedRun, and the execution still fails', async () => {
    const name = 'run-crashed';
    const payload = await startTransformRun({ command: 'seed' }, { arn: `${ARN_PREFIX}:${name}`, name }, deps);
    await expect(endFailedRun({ payload: { ...payload, crash: { Error: 'Lambda.Unknown', Cause: 'timeout' }, crashedIn: 'AdvanceRun' }, execution: { Id: `${ARN_PREFIX}:${name}`, Name: name } }, deps))
      .rejects.toThrow(/crashed in AdvanceRun/);
    const results = await history.readRunResults(name);
    expect((results.args.landfall as { status: string; crash: string }).status).toBe('crashed');
    expect((results.args.landfall as { crash: string }).crash).toContain('Lambda.Unknown');
  }, 120_000);

  it('RecordRun refuses a run that is not done (only the done branches lead to it)', async () => {
    const name = 'run-not-done';
    const payload = await startTransformRun({ command: 'seed' }, { arn: `${ARN_PREFIX}:${name}`, name }, deps);
    await expect(recordTransformRun(payload, deps)).rejects.toThrow(`RecordRun: execution ${name} is not done`);
    expect(await keys(`history/runs/${name}/`)).toEqual([]);
  }, 120_000);

  it('index keys sort newest first across digit boundaries', () => {
    const older = indexKey(new Date('2026-01-01T00:00:00Z'), 'a');
    const newer = indexKey(new Date('2026-12-05T00:00:00Z'), 'b');
    expect([older, newer].sort()).toEqual([newer, older]);
    expect(consoleUrl('local-execution-arn')).toBeNull();
  });
});
