/**
 * The monthly partitions of partitioned models for the site: the months the warehouse holds (src/partitions'
 * catalog), each month table's row count, and when the model was last published (the newest run in the history
 * that built it successfully).
 */
import type { Manifest } from '../engine';
import { dialects } from '../engine';
import { isPartitionedModel } from '../engine/materializations/partitioned/config';
import { monthRelation } from '../engine/materializations/partitioned/relations';
import { qualified } from '../engine/render/relation';
import { readMonthTables } from '../partitions/catalog';
import { runQuery } from '../engine/warehouse/run-query';
import type { Warehouse } from '../engine/warehouse/warehouse';
import type { PartitionSummary, RunRecord } from './site-data';

/** Month tables counted per model at most (the newest ones); older months show without a count. */
const COUNTED_MONTHS = 24;

export async function partitionSummaries(manifest: Manifest, warehouse: Warehouse, runs: RunRecord[] = []): Promise<PartitionSummary[]> {
  const dialect = dialects[manifest.target.type];
  const out: PartitionSummary[] = [];
  for (const model of Object.values(manifest.models).filter(isPartitionedModel)) {
    const { months } = await readMonthTables(model, { dialect, warehouse });
    const counted = months.slice(-COUNTED_MONTHS);
    const rows = new Map<string, number>();
    if (counted.length) {
      // Months come from the warehouse's own table names (YYYY-MM), never from an event.
      const sql = counted.filter((m) => /^\d{4}-\d{2}$/.test(m))
        .map((m) => `select '${m}' as month, count(*) as n from ${qualified(monthRelation(model.relation, m))}`).join('\nunion all\n');
      for (const [month, n] of (await runQuery(warehouse, sql)).rows) rows.set(String(month), Number(n));
    }
    const published = runs.filter((r) => r.nodes.some((n) => n.id === model.uniqueId && n.status === 'success')).map((r) => r.finishedAt ?? r.startedAt).sort().pop();
    out.push({ id: model.uniqueId, name: model.name, months: months.map((month) => ({ month, rows: rows.get(month) })), lastPublish: published });
  }
  return out;
}
