/** The month tables a partitioned model has in the warehouse right now. */
import type { Dialect } from '../engine/dialects';
import type { ModelNode } from '../engine/manifest';
import { monthTablesIn } from '../engine/materializations/partitioned/run-context';
import type { Month } from '../engine/materializations/partitioned/months';
import { runQuery } from '../engine/warehouse/run-query';
import type { Warehouse } from '../engine/warehouse/warehouse';

export interface MonthTables {
  months: Month[];
  /** Columns of the newest month table (empty when there is none). */
  columns: string[];
  /** What holds the model's own name: its view, a table from before it was partitioned, or nothing. */
  modelRelation: 'table' | 'view' | undefined;
  /** Whether the model has its NULL-partition table (`<model>__pnull`), which its view reads too. */
  hasNullsTable: boolean;
}

export async function readMonthTables(model: ModelNode, deps: { dialect: Dialect; warehouse: Warehouse }): Promise<MonthTables> {
  const catalog = await runQuery(deps.warehouse, deps.dialect.catalogQuery([model.relation.schema]));
  const { months, columnsByMonth, hasNullsTable } = monthTablesIn(catalog.rows, model.relation);
  const own = catalog.rows.find(([schema, name]) => schema === model.relation.schema && name === model.relation.identifier);
  return {
    months,
    columns: months.length ? columnsByMonth.get(months[months.length - 1]!)! : [],
    modelRelation: own ? (own[2] === 'view' ? 'view' : 'table') : undefined,
    hasNullsTable,
  };
}
