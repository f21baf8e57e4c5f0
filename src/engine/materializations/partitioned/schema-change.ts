/**
 * dbt's `on_schema_change` for a partitioned model, decided from the delta's columns and the newest month
 * table's: which columns every month table gains or loses, and the columns the run writes. A full rebuild
 * (first build, `--full-refresh`) always takes the model's current columns.
 *
 *   ignore              the months keep their columns; new ones are left out; a column the model no longer returns fails
 *   append_new_columns  new columns are added to every month (NULL in older rows); removed ones stay, NULL from now on
 *   sync_all_columns    new columns are added and removed ones dropped, in every month
 *   fail                any difference fails the run, naming the columns and what to run
 */
import type { Dialect } from '../../dialects';
import type { ModelNode } from '../../manifest';
import { quoteIdentifier } from '../../render/relation';
import type { ColumnType } from '../plan';
import type { PartitionConfig } from './config';

export interface SchemaChange {
  /** The columns the run writes, in order (the view's columns). */
  target: ColumnType[];
  /** Added to every month table that stays. */
  add: ColumnType[];
  /** Dropped from every month table that stays. */
  drop: ColumnType[];
  /** Lower-cased names present in the delta / in the existing month tables (before `add`). */
  deltaNames: Set<string>;
  existingNames: Set<string>;
}

const names = (columns: ColumnType[]) => new Set(columns.map((c) => c.name.toLowerCase()));

export function planSchemaChange(input: {
  node: ModelNode; dialect: Dialect; config: PartitionConfig; delta: ColumnType[]; existing: ColumnType[]; fullRebuild: boolean;
}): SchemaChange | { failWith: string } {
  const { node, config, delta, existing, fullRebuild } = input;
  const deltaNames = names(delta);
  const existingNames = names(existing);
  if (fullRebuild || existing.length === 0) return { target: delta, add: [], drop: [], deltaNames, existingNames };
  const added = delta.filter((c) => !existingNames.has(c.name.toLowerCase()));
  const removed = existing.filter((c) => !deltaNames.has(c.name.toLowerCase()));
  const fullRefresh = `landfall build --select ${node.name} --full-refresh`;
  const list = (columns: ColumnType[]) => columns.map((c) => quoteIdentifier(c.name)).join(', ');
  switch (config.onSchemaChange) {
    case 'fail':
      if (added.length + removed.length === 0) break;
      return {
        failWith: `${node.origin.file}: the columns of ${node.name} changed (${[added.length ? `new: ${list(added)}` : '', removed.length ? `removed: ${list(removed)}` : ''].filter(Boolean).join('; ')}) `
          + `and on_schema_change is 'fail'; nothing was published. Set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild every month with: ${fullRefresh}`,
      };
    case 'append_new_columns':
      return { target: [...existing, ...added], add: added, drop: [], deltaNames, existingNames };
    case 'sync_all_columns': {
      const widened = existing.filter((c) => deltaNames.has(c.name.toLowerCase()));
      const undroppable = new Set(input.dialect.undroppableColumns(config.field ? { ...node.config } : node.config).map((c) => c.toLowerCase()));
      const blocked = removed.filter((c) => undroppable.has(c.name.toLowerCase()) || c.name.toLowerCase() === config.field.toLowerCase());
      if (blocked.length) {
        return { failWith: `${node.origin.file}: on_schema_change 'sync_all_columns' would drop ${list(blocked)}, a partition, distribution or sort key column of every month table; rebuild with: ${fullRefresh}` };
      }
      return { target: [...widened, ...added], add: added, drop: removed, deltaNames, existingNames };
    }
    default:
      if (removed.length) {
        return {
          failWith: `${node.origin.file}: ${node.name} no longer returns the column${removed.length > 1 ? 's' : ''} ${list(removed)} its month tables have (on_schema_change is 'ignore'); nothing was published. `
            + `Set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild every month with: ${fullRefresh}`,
        };
      }
  }
  return { target: existing, add: [], drop: [], deltaNames, existingNames };
}

/** The select list writing `target` from a relation that has the columns `present` (others are NULL of their type). */
export function selectList(target: ColumnType[], present: Set<string>, alias?: string): string {
  return target.map((c) => {
    const column = quoteIdentifier(c.name);
    return present.has(c.name.toLowerCase()) ? (alias ? `${alias}.${column}` : column) : `cast(null as ${c.type}) as ${column}`;
  }).join(', ');
}
