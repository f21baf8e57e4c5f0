/**
 * A snapshot's configs, checked at parse time the way dbt's materialization reads them: `strategy` (`timestamp`
 * with `updated_at`, or `check` with `check_cols: all | [cols]`), `unique_key` (a column, an expression or a
 * list), `hard_deletes` (`ignore` | `invalidate` | `new_record`; the older `invalidate_hard_deletes: true` is
 * `invalidate`), `dbt_valid_to_current`, and `snapshot_meta_column_names` renaming dbt's columns.
 */
import { ProjectError } from '../errors';

export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

export interface SnapshotColumnNames {
  dbt_valid_to: string;
  dbt_valid_from: string;
  dbt_scd_id: string;
  dbt_updated_at: string;
  dbt_is_deleted: string;
}

/** What the plan needs, kept on the node's config under these keys. */
export interface SnapshotSettings {
  strategy: 'timestamp' | 'check';
  unique_key: string | string[];
  updated_at?: string;
  check_cols?: 'all' | string[];
  hard_deletes: HardDeletes;
  dbt_valid_to_current?: string;
  snapshot_table_column_names: SnapshotColumnNames;
}

const DEFAULT_NAMES: SnapshotColumnNames = {
  dbt_valid_to: 'dbt_valid_to', dbt_valid_from: 'dbt_valid_from', dbt_scd_id: 'dbt_scd_id', dbt_updated_at: 'dbt_updated_at', dbt_is_deleted: 'dbt_is_deleted',
};

export function snapshotSettings(config: Record<string, unknown>, where: string): SnapshotSettings {
  const fail = (message: string): never => {
    throw new ProjectError(where, `snapshot: ${message}`);
  };
  const strategy = config.strategy;
  if (strategy !== 'timestamp' && strategy !== 'check') {
    fail(strategy === undefined ? "no strategy: set strategy='timestamp' (with updated_at) or strategy='check' (with check_cols)" : `strategy '${String(strategy)}' is not supported (use 'timestamp' or 'check')`);
  }
  const key = config.unique_key;
  const keyOk = (typeof key === 'string' && key.trim() !== '') || (Array.isArray(key) && key.length > 0 && key.every((k) => typeof k === 'string' && k.trim() !== ''));
  if (!keyOk) fail('unique_key is required (a column, an expression or a list of columns)');
  const updatedAt = config.updated_at;
  if (updatedAt !== undefined && (typeof updatedAt !== 'string' || updatedAt.trim() === '')) fail('updated_at must name a column');
  if (strategy === 'timestamp' && updatedAt === undefined) fail("the 'timestamp' strategy needs updated_at");
  let checkCols: SnapshotSettings['check_cols'];
  if (strategy === 'check') {
    const cols = config.check_cols;
    if (cols === 'all') checkCols = 'all';
    else if (Array.isArray(cols) && cols.length > 0 && cols.every((c) => typeof c === 'string')) checkCols = cols as string[];
    else fail(`the 'check' strategy needs check_cols: 'all' or a list of columns, got ${JSON.stringify(cols)}`);
  }
  const legacy = config.invalidate_hard_deletes;
  const hard = config.hard_deletes;
  if (legacy === true && hard !== undefined && hard !== 'invalidate') fail('set hard_deletes or invalidate_hard_deletes, not both');
  const hardDeletes = (hard ?? (legacy === true ? 'invalidate' : 'ignore')) as HardDeletes;
  if (!['ignore', 'invalidate', 'new_record'].includes(hardDeletes)) fail(`hard_deletes must be 'ignore', 'invalidate' or 'new_record', got '${String(hard)}'`);
  const current = config.dbt_valid_to_current;
  if (current !== undefined && (typeof current !== 'string' || current.trim() === '')) fail('dbt_valid_to_current must be a SQL expression such as "to_date(\'9999-12-31\')"');
  const renames = config.snapshot_meta_column_names ?? {};
  if (typeof renames !== 'object' || renames === null || Array.isArray(renames)) fail('snapshot_meta_column_names must be a mapping');
  const names = { ...DEFAULT_NAMES };
  for (const [k, v] of Object.entries(renames as Record<string, unknown>)) {
    if (!(k in DEFAULT_NAMES)) fail(`snapshot_meta_column_names: unknown column '${k}' (known: ${Object.keys(DEFAULT_NAMES).join(', ')})`);
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' || v.trim() === '') fail(`snapshot_meta_column_names.${k} must be a column name`);
    names[k as keyof SnapshotColumnNames] = v as string;
  }
  for (const unsupported of ['target_database']) {
    if (config[unsupported] !== undefined) fail(`${unsupported} is not supported (snapshots are built in the target's database)`);
  }
  return {
    strategy: strategy as SnapshotSettings['strategy'],
    unique_key: key as string | string[],
    ...(typeof updatedAt === 'string' ? { updated_at: updatedAt } : {}),
    ...(checkCols ? { check_cols: checkCols } : {}),
    hard_deletes: hardDeletes,
    ...(typeof current === 'string' ? { dbt_valid_to_current: current } : {}),
    snapshot_table_column_names: names,
  };
}
