/**
 * Issue 18 (17 statements in flight against a bound of 16): an AdvanceRun that fails after submitting (a busy
 * warehouse on the last of its submits) is retried by Step Functions with the same input, and its stored state lists
 * none of the statements it submitted. The retry must keep the slots they fill: otherwise the ledger hands them to
 * another run while they still run. Counted by the local Data API itself (statements accepted and not ended), on
 * PGlite through the production Warehouse adapter; the run cores are the ones AdvanceRun calls.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { dialects, inProcessRenderer } from '../../src/engine';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { WarehouseBusyError, type Warehouse } from '../../src/engine/warehouse/warehouse';
import { startLocalDataApi, type LocalDataApi } from '../../src/local/data-api/local-data-api';
import { LOCAL_CONNECTION } from '../../src/local/local-warehouse';
import { MemoryRunStates } from '../support/memory-run-states';
import { InMemorySlotLedgerStore, StatementSlots } from '../../src/runtime/statement-slots';
import { advanceTransformRun, startTransformRun, type AdvanceRunDependencies } from '../../src/runtime/transform-run';
import { RedshiftDataWarehouse } from '../../src/warehouse/redshift-data-warehouse';
import { usePGliteWarehouse } from '../support/pglite-warehouse';

jest.setTimeout(60_000);

/** Six independent models: every one is ready at the first step. */
function manifestFor(schema: string, dir: string) {
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), "name: slots_retry\nversion: '1.0'\nprofile: slots_retry\n");
  fs.mkdirSync(path.join(dir, 'models'), { recursive: true });
  for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(dir, 'models', `m${i}.sql`), `select ${i} as id`);
  return compileManifest(readProjectFiles(dir), { target: { name: 'dev', type: 'postgres', schema, database: 'dev' } });
}

/** The warehouse, except that the `failAt`-th node submit (the ones with a client token) fails as a busy warehouse. */
function failingAt(warehouse: Warehouse, failAt: number): Warehouse {
  let submits = 0;
  return new Proxy(warehouse, {
    get(target, key, receiver) {
      if (key !== 'submit') return Reflect.get(target, key, receiver);
      return async (sqls: string | string[], options?: { clientToken?: string }) => {
        if (options?.clientToken !== undefined && ++submits === failAt) throw new WarehouseBusyError('ActiveStatementsExceededException (injected)');
        return target.submit(sqls, options as never);
      };
    },
  });
}

describe('a retried AdvanceRun under the statement slots', () => {
  const db = usePGliteWarehouse();
  let api: LocalDataApi;
  let client: RedshiftDataClient;
  let dir: string;

  beforeAll(async () => {
    // Statements last 2 s in the local Data API: what run a's failed attempt submitted is still in flight while its
    // retry and run b are admitted and prepare (the prepare's schema statement is in flight too).
    process.env.LANDFALL_DATA_API_LATENCY = JSON.stringify({ callMs: 0, commitMs: 0, minStatementMs: 2000 });
    try {
      api = await startLocalDataApi({ engine: db.engine, port: 0 });
    } finally {
      delete process.env.LANDFALL_DATA_API_LATENCY;
    }
    client = new RedshiftDataClient({ endpoint: api.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-slots-retry-'));
  });

  afterAll(async () => {
    client.destroy();
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps what its failed attempt submitted within the bound when another run waits for slots', async () => {
    const warehouse = new RedshiftDataWarehouse({ client, target: LOCAL_CONNECTION });
    const ledger = new InMemorySlotLedgerStore();
    const slots = new StatementSlots({ store: ledger, bound: 4 });
    const runStates = new MemoryRunStates();
    const deps = (schema: string, wh: Warehouse): AdvanceRunDependencies => {
      const manifest = manifestFor(schema, path.join(dir, schema));
      return { manifest, dialect: dialects.postgres, warehouse: wh, runStates, statementSlots: slots, concurrency: 4, renderer: inProcessRenderer({ manifest, dialect: dialects.postgres }) };
    };
    for (const schema of ['slots_a', 'slots_b']) fs.mkdirSync(path.join(dir, schema));
    const a = deps('slots_a', warehouse);
    const b = deps('slots_b', warehouse);
    const start = (name: string, d: AdvanceRunDependencies) => startTransformRun({ command: 'build', reason: 'issue 18' }, { arn: `arn:aws:states:us-east-1:000000000000:execution:t:${name}`, name }, d);
    const payloadA = await start('run-a', a);
    let payloadB = await start('run-b', b);

    // Run a is granted all 4 slots, prepares, and submits 4 models: 3 are accepted, the 4th fails (busy), so the
    // invocation fails and nothing it did is saved.
    await expect(advanceTransformRun(payloadA, { ...a, warehouse: failingAt(warehouse, 4) })).rejects.toThrow(WarehouseBusyError);
    api.counters.maxActiveStatements = 0;
    payloadB = await advanceTransformRun(payloadB, b); // a holds 4 of 4: b waits
    // Step Functions retries run a's Task with the same input; b comes back from its Wait once a was admitted.
    const { version } = await ledger.read();
    const retry = advanceTransformRun(payloadA, a);
    while ((await ledger.read()).version === version) await new Promise((resolve) => setTimeout(resolve, 5));
    const [retried] = await Promise.all([retry, advanceTransformRun(payloadB, b).then((next) => (payloadB = next))]);
    expect(api.counters.maxActiveStatements).toBe(4); // 3 orphaned + the retry's prepare, never a 5th
    // a keeps its 4 slots (3 of them filled by the failed attempt's statements); b still waits.
    expect(retried.counts.running).toBe(4);
    expect(payloadB.counts.running).toBe(0);
  });
});
