/**
 * Loads the demo raw data (src/demo/generate-demo-data.ts) into a PostgreSQL server, for the dbt-core
 * oracle and for manual demos.
 *
 * Usage:
 *   npx tsx scripts/load-demo-data.ts [--url postgres://…] [--as-of 2026-11-15] [--seed 42] [--schema raw]
 *                                     [--plant-issue] [--fix-issue] [--sync-batch N]
 *
 *   (default)       recreate the raw tables and load the base data set
 *   --plant-issue   …with the planted data-quality issue
 *   --fix-issue     only run the SQL that repairs the planted issue
 *   --sync-batch N  only apply new-sync batch N (rows arriving after the base data)
 *
 * The URL defaults to $DATABASE_URL, then to the server of scripts/start-postgres.sh. `--as-of` defaults
 * to today's midnight UTC.
 */
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { fixPlantedIssueSql, generateDemoData, generateNewSyncBatch } from '../src/demo/generate-demo-data';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'as-of': { type: 'string' },
      seed: { type: 'string' },
      schema: { type: 'string' },
      'plant-issue': { type: 'boolean', default: false },
      'fix-issue': { type: 'boolean', default: false },
      'sync-batch': { type: 'string' },
    },
  });
  const url = values.url ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:54329/landfall';
  const asOf = values['as-of'] ? new Date(values['as-of']) : startOfTodayUtc();
  const options = {
    asOf,
    seed: values.seed === undefined ? undefined : Number(values.seed),
    schema: values.schema,
    plantDataQualityIssue: values['plant-issue'],
  };

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    if (values['fix-issue']) {
      const result = await client.query(fixPlantedIssueSql({ schema: values.schema }));
      console.log(`Fixed the planted issue: ${result.rowCount} row(s) updated`);
    } else if (values['sync-batch'] !== undefined) {
      const batch = generateNewSyncBatch({ ...options, batchNumber: Number(values['sync-batch']) });
      await runInTransaction(client, batch.statements);
      console.log(`Applied sync batch ${values['sync-batch']} (synced at ${batch.syncedAt.toISOString()}):`, {
        ...batch.newRowCounts,
        updatedTransfers: batch.updatedTransferIds.length,
      });
    } else {
      const data = generateDemoData(options);
      await runInTransaction(client, [...data.ddl, ...data.inserts]);
      console.log(`Loaded demo data as of ${asOf.toISOString()} into schema ${data.schema}:`, data.rowCounts);
      if (data.plantedIssue) console.log(`Planted issue: ${data.plantedIssue.description}`);
    }
  } finally {
    await client.end();
  }
}

async function runInTransaction(client: Client, statements: string[]): Promise<void> {
  await client.query('begin');
  try {
    for (const sql of statements) await client.query(sql);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
