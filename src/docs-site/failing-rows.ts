/**
 * Sample failing rows for a run page of a local build: each failed test's SQL, rendered by the engine, run with a
 * limit on the warehouse the build used. They are the rows failing when the site is generated (a pipeline run's
 * page gets the rows PublishAlert fetched at the end of the run instead). `mask` hides PII as the alert email does
 * (src/alerts' PII rules: meta.pii, pii tags, name patterns).
 */
import type { Manifest } from '../engine';
import { renderNodeSql } from '../engine/render/render-node';
import { dbtIdMap } from '../artifacts/dbt-ids';
import { runQuery } from '../engine/warehouse/run-query';
import type { Warehouse } from '../engine/warehouse/warehouse';
import type { RunRecord } from './site-data';

const SAMPLE_ROWS = 5;
const MAX_TESTS = 20;

export type SampleMask = (testId: string, sample: Sample) => Sample;
type Sample = { columns: string[]; rows: (string | number | boolean | null)[][] };

export async function addFailingRows(run: RunRecord, manifest: Manifest, warehouse: Warehouse, mask: SampleMask, now = new Date()): Promise<RunRecord> {
  const landfallIdOf = new Map([...dbtIdMap(manifest)].map(([landfall, dbt]) => [dbt, landfall]));
  const failures = [];
  for (const failure of run.failures) {
    const test = manifest.tests[landfallIdOf.get(failure.nodeId) ?? failure.nodeId];
    if (!test || failures.length >= MAX_TESTS) { failures.push(failure); continue; }
    try {
      const sql = renderNodeSql(manifest, test, { vars: manifest.vars, isIncremental: false, invocationId: 'docs', runStartedAt: now });
      const result = await runQuery(warehouse, `select * from (\n${sql}\n) dbt_internal_test limit ${SAMPLE_ROWS}`);
      const sample = mask(test.uniqueId, { columns: result.columns.map((c) => c.name), rows: result.rows.map((r) => [...r]) });
      failures.push({ ...failure, sql, sample });
    } catch (error) {
      failures.push({ ...failure, error: failure.error ?? `sample rows unavailable: ${(error as Error).message}` });
    }
  }
  return { ...run, failures };
}
