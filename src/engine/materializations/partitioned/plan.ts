/**
 * The monthly-partitioned materialization as a pure plan, in three steps, each one transaction:
 *
 *   1. delta    the model's rows into one staging table (`<model>__lf_delta_<token>`): on a merge, the rows the
 *               incremental SQL returns; on a rebuild, the months rebuilt (and the NULL-partition rows on a full one);
 *               then the columns of the delta and of the newest month table are fetched;
 *   2. audit    the model's error-severity tests on what readers will see after the publish (audit.ts): every
 *               month table minus what the run replaces, plus the delta. Row-wise tests read the new rows only,
 *               `unique` on the unique_key reads the rows holding the delta's keys, other tests read everything
 *               (see docs/partitions.md); plus the run's own checks (rows outside the window, NULL partition
 *               values under `partition_nulls='fail'`). A failure names every failing check with its count.
 *   3. publish  everything at once: schema changes on every month, the unique_key's rows deleted from every month
 *               (and the NULL table), the window's range of each touched month replaced from the delta (a merge:
 *               delete + insert, so the cost follows the day, not the month) or each rebuilt month swapped in from a
 *               shadow, the view replaced when its months or columns change, the watermark and window recorded.
 *               Readers see the run entirely or not at all.
 */
import type { Dialect } from '../../dialects';
import { EngineError } from '../../errors';
import type { ModelNode, Relation } from '../../manifest';
import { qualified, quoteIdentifier } from '../../render/relation';
import { sqlStringLiteral } from '../../tests/generic-tests';
import type { ColumnType, Materializer, MaterializationPlan, PlanStep } from '../plan';
import { dropLeftovers } from '../staging';
import { stagingRelation } from '../../dialects/dialect';
import { auditStatements, type AuditCheck } from './audit';
import { asOneBatch } from './one-transaction';
import { partitionConfigOf, type PartitionConfig } from './config';
import { addMonths, type Month } from './months';
import { partitionDialectOf } from './partition-dialects';
import {
  monthBounds, monthRelation, nullsRelation, rangePredicate, recordWatermarkSql, recordWindowSql, shadowRelation, type TimeRange, unionViewSql,
} from './relations';
import { planSchemaChange, selectList, type SchemaChange } from './schema-change';

/** What a run decided for one partitioned model (plain JSON, kept in the run state). */
export interface PartitionRunContext {
  /** The run's window on the partition field, `[start, end)`, ISO timestamps (wall clock of `partition_timezone`). */
  window: { start: string; end: string; source: 'vars' | 'since-watermark' | 'since-last-window' | 'first-build' };
  /** Months this run writes, ascending. */
  months: Month[];
  /** Month tables that existed when the run was prepared. */
  existingMonths: Month[];
  /** Columns of the newest existing month table, in order (empty before the first build). */
  columns: string[];
  /** `merge`: replace the window's rows inside each touched month; `rebuild`: rebuild each touched month whole. */
  mode: 'merge' | 'rebuild';
  runId: string;
  /** Whether the NULL-partition table (`<model>__pnull`) existed when the run was prepared. */
  hasNullsTable?: boolean;
  /** The newest partition value published before this run (ISO), when known. */
  watermark?: string;
}

/** How a test of the model is scoped in the audit (see {@link auditScope}). */
export interface AuditableTest {
  id: string;
  testName?: string;
  columnName?: string;
  kind: 'generic' | 'singular';
}

/** {@link PartitionRunContext} plus what planning needs and the run state does not keep. */
export interface PartitionPlanContext extends PartitionRunContext {
  /** The model's error-severity tests, each rendered with the model's ref printed as `relationSql(test)`. */
  auditTests?: (relationSql: (test: AuditableTest) => string) => AuditCheck[];
}

/** Tests whose verdict on a set of rows is the union of their verdicts on each row: new rows are all they need to see. */
export const ROW_WISE_TESTS = new Set(['not_null', 'accepted_values']);


export const planPartitioned: Materializer<ModelNode> = (input) => {
  const { node, sql, dialect, partition } = input;
  const config = partitionConfigOf(node.config);
  if (!config) throw new EngineError(`${node.origin.file}: planPartitioned needs partition_by`);
  if (!partition) throw new EngineError(`${node.origin.file}: a partitioned model is planned from its run window; prepare the run first (prepareRun)`);
  const window: TimeRange = { start: new Date(partition.window.start), end: new Date(partition.window.end) };
  if (partition.months.length === 0) {
    return { steps: [{ sqls: [recordWindowSql(node.uniqueId, window, [], partition.runId, partitionDialectOf(dialect).now)] }], keepsRelation: true };
  }
  const p = new PartitionedRun(input.node, config, dialect, partition, window);
  const delta: PlanStep = {
    sqls: [...dropLeftovers(input, node.relation.schema), dialect.drop(p.delta, 'table'), dialect.createTableAs(p.delta, p.deltaSelect(sql), node.config), ...partitionDialectOf(dialect).afterDeltaBuilt(p.delta), ...(p.byKey ? partitionDialectOf(dialect).probeByIndex : []), p.columnsQuery()],
    fetchColumns: true,
  };
  if (!input.columns) return { steps: [delta, { sqls: [] }], keepsRelation: true };
  const change = planSchemaChange({
    node, dialect, config, delta: input.columns[key(p.delta)] ?? [], existing: p.newestTable ? input.columns[key(p.newestTable)] ?? [] : [], fullRebuild: p.fullRebuild,
  });
  if ('failWith' in change) return { steps: [delta, { sqls: [dialect.drop(p.delta, 'table')], failWith: change.failWith }], keepsRelation: true };
  const checks = p.auditChecks(change);
  const audit: PlanStep[] = checks.length ? [{ sqls: auditStatements(checks, p.auditHeading(), partition.runId, node.uniqueId) }] : [];
  const probed = (name: string) => input.columns?.[`${PROBE_SCHEMA}.${name}`]?.map((c) => c.name);
  const publish = p.publish(change, input.existing?.kind, { monthsWithRows: probed(MONTHS_WITH_ROWS), tablesWithKeys: probed(TABLES_WITH_KEYS) });
  // rows_affected: the row count of the DELETE that empties the delta of the rows published (second to last).
  return { steps: [delta, ...audit, { sqls: publish, rowsFromStatement: publish.length - 2 }], keepsRelation: input.existing?.kind === 'view' };
};

const key = (r: Relation) => `${r.schema}.${r.identifier}`;

/** Pseudo-relations of the delta step's answer: the months the delta has rows for, the tables holding its keys. */
const PROBE_SCHEMA = 'landfall';
const MONTHS_WITH_ROWS = 'lf_months_with_rows';
const TABLES_WITH_KEYS = 'lf_tables_with_keys';

/** One run of one partitioned model: names, row routing and SQL pieces shared by the three steps. */
class PartitionedRun {
  readonly delta: Relation;
  readonly keys: string[];
  /** Rebuilds every month of the view (first build, full refresh): the model's columns replace the old ones. */
  readonly fullRebuild: boolean;
  readonly rebuildsNulls: boolean;
  /** A merge by unique_key: no range is replaced, only keys. */
  readonly byKey: boolean;
  readonly viewMonths: Month[];
  readonly newestTable?: Relation;
  private readonly field: string;
  private readonly ranges: Map<Month, TimeRange>;
  private readonly existing: Set<Month>;

  constructor(private readonly node: ModelNode, private readonly config: PartitionConfig, private readonly dialect: Dialect,
    private readonly partition: PartitionPlanContext, private readonly window: TimeRange) {
    this.field = config.field;
    this.delta = stagingRelation(node.relation, 'delta', partition.runId, dialect.maxIdentifierBytes);
    this.keys = uniqueKeys(node);
    this.existing = new Set(partition.existingMonths);
    this.fullRebuild = partition.mode === 'rebuild' && (partition.window.source === 'first-build' || partition.existingMonths.length === 0);
    this.rebuildsNulls = this.fullRebuild && config.nulls === 'table';
    this.viewMonths = this.fullRebuild ? [...partition.months] : [...new Set([...partition.existingMonths, ...partition.months])].sort();
    // A merge by unique_key (dbt's delete+insert) takes the delta's rows for any month the view reads: the keys they
    // replace are deleted wherever they are, nothing else. A merge without one replaces the window's part of each
    // month (the model must return every row of its window). A rebuild, and a month without a table, the whole month.
    this.byKey = partition.mode === 'merge' && this.keys.length > 0;
    const written = this.byKey ? this.viewMonths : partition.months;
    this.ranges = new Map(written.map((m) => {
      const bounds = monthBounds(m);
      return [m, this.merges(m) && !this.byKey ? { start: later(window.start, bounds.start), end: earlier(window.end, bounds.end) } : bounds];
    }));
    const newest = partition.existingMonths[partition.existingMonths.length - 1];
    this.newestTable = newest ? monthRelation(node.relation, newest) : undefined;
  }

  private merges(month: Month): boolean {
    return this.partition.mode === 'merge' && this.existing.has(month);
  }

  private get nullsTable(): Relation {
    return nullsRelation(this.node.relation);
  }

  private get keepsNullsTable(): boolean {
    return this.config.nulls === 'table';
  }

  /** The delta rows the run publishes: in a month's range, or (merge, full rebuild) with a NULL partition value. */
  routed(alias?: string): string {
    const field = alias ? `${alias}.${quoteIdentifier(this.field)}` : quoteIdentifier(this.field);
    const ranges = mergedRanges([...this.ranges.values()]).map((r) => `(${rangePredicate(this.field, r).replaceAll(quoteIdentifier(this.field), field)})`);
    if (this.partition.mode === 'merge' || this.rebuildsNulls) ranges.push(`${field} is null`);
    return `(${ranges.join(' or ')})`;
  }

  deltaSelect(sql: string): string {
    const rows = `select * from (\n${sql}\n) as model_rows`;
    // A merge keeps every row the model returned, so the audit can count those outside the window.
    return this.partition.mode === 'merge' ? rows : `${rows}\nwhere ${this.routed()}`;
  }

  /**
   * The delta step's answer, as `(schema, relation, column, type)` rows: the columns of the delta and of the newest
   * month, then (a merge by key) which months the delta has rows for and which tables hold one of its keys (a probe
   * per table, by index on PostgreSQL), so the publish writes and deletes only there.
   */
  columnsQuery(): string {
    const relations = this.newestTable ? [this.delta, this.newestTable] : [this.delta];
    const wanted = relations.map((r) => `(n.nspname = ${sqlStringLiteral(r.schema)} and c.relname = ${sqlStringLiteral(r.identifier)})`).join(' or ');
    const parts = [`select n.nspname as schema_name, c.relname as relation_name, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as data_type, a.attnum as position
  from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
 where c.relkind in ('r', 'p') and (${wanted})`];
    if (this.byKey) {
      const partitionSql = partitionDialectOf(this.dialect);
      const field = quoteIdentifier(this.field);
      parts.push(`select distinct ${sqlStringLiteral(PROBE_SCHEMA)}, ${sqlStringLiteral(MONTHS_WITH_ROWS)}, to_char(${field}, 'YYYY-MM'), '', 0 from ${qualified(this.delta)} where ${field} is not null`);
      for (const table of this.keyTables()) {
        parts.push(`select ${sqlStringLiteral(PROBE_SCHEMA)}, ${sqlStringLiteral(TABLES_WITH_KEYS)}, ${sqlStringLiteral(table.identifier)}, '', 0 where ${partitionSql.holdsKeys(table, this.delta, this.keys, (prefix) => this.routed(prefix || undefined))}`);
      }
    }
    return `${parts.join('\nunion all\n')}\norder by 1, 2, 5`;
  }

  /** The existing tables a merge by key may have to delete keys from: every month of the view and the NULL table. */
  keyTables(): Relation[] {
    return [
      ...this.partition.existingMonths.map((m) => monthRelation(this.node.relation, m)),
      ...(this.partition.hasNullsTable && this.keepsNullsTable ? [this.nullsTable] : []),
    ];
  }

  auditHeading(): string {
    return `landfall audit failed for ${this.node.name} (${this.partition.months.join(', ')}); nothing was published, readers still see the previous data. Failing checks:`;
  }

  /** Rows of an existing table that stay: outside the replaced range, and not holding a key the delta brings. */
  private kept(table: Relation, change: SchemaChange, range?: TimeRange): string {
    const conditions: string[] = [];
    if (range) conditions.push(`not (${rangePredicate(this.field, range).replaceAll(quoteIdentifier(this.field), `lf_old.${quoteIdentifier(this.field)}`)})`);
    if (this.keys.length) conditions.push(`not exists (select 1 from ${qualified(this.delta)} as lf_new where ${this.keys.map((k) => `lf_new.${quoteIdentifier(k)} = lf_old.${quoteIdentifier(k)}`).join(' and ')} and ${this.routed('lf_new')})`);
    return `select ${selectList(change.target, change.existingNames, 'lf_old')} from ${qualified(table)} as lf_old${conditions.length ? ` where ${conditions.join(' and ')}` : ''}`;
  }

  private newRows(change: SchemaChange, where = this.routed()): string {
    return `select ${selectList(change.target, change.deltaNames)} from ${qualified(this.delta)} where ${where}`;
  }

  /** What readers will see after the publish, as a subquery. */
  afterPublish(change: SchemaChange): string {
    const branches = [this.newRows(change)];
    for (const month of this.viewMonths) {
      if (this.ranges.has(month) && !this.merges(month)) continue; // rebuilt from the delta
      branches.push(this.kept(monthRelation(this.node.relation, month), change, this.merges(month) && !this.byKey ? this.ranges.get(month) : undefined));
    }
    if (this.partition.hasNullsTable && !this.rebuildsNulls && this.keepsNullsTable) branches.push(this.kept(this.nullsTable, change));
    return `(\n${branches.join('\nunion all\n')}\n)`;
  }

  /**
   * The audit's checks: the run's own, then the model's tests, each reading the least that decides it (see
   * docs/partitions.md, "What tests see").
   */
  auditChecks(change: SchemaChange): AuditCheck[] {
    const checks: AuditCheck[] = [];
    const field = quoteIdentifier(this.field);
    if (this.partition.mode === 'merge' && this.config.lateRows === 'fail') {
      const first = this.partition.months[0]!;
      checks.push({
        id: `rows outside the run window (${this.field} not in [${this.partition.window.start}, ${this.partition.window.end}) or in a month not kept); `
          + `load them with: landfall backfill --model ${this.node.name} --from <their first month, ${first} or later> --to <their last month> (or set late_rows='skip')`,
        sql: `select * from ${qualified(this.delta)} where ${field} is not null and not ${this.routed()}`,
      });
    }
    if (this.config.nulls === 'fail') {
      checks.push({ id: `rows with a NULL ${this.field} (partition_nulls='fail'; 'table' keeps them in ${this.nullsTable.identifier})`, sql: `select * from ${qualified(this.delta)} where ${field} is null` });
    }
    const after = this.afterPublish(change);
    const newRows = `(${this.newRows(change)})`;
    const keyColumn = this.keys.length === 1 ? this.keys[0]!.toLowerCase() : undefined;
    const scope = (test: AuditableTest): string => {
      if (test.kind === 'generic' && test.testName && ROW_WISE_TESTS.has(test.testName)) return `${newRows} as lf_new_rows`;
      // The publish deletes every key of the delta from every month before inserting the delta: a duplicate key
      // afterwards can only be one the delta holds twice.
      if (test.kind === 'generic' && test.testName === 'unique' && keyColumn && test.columnName?.toLowerCase() === keyColumn) return `${newRows} as lf_new_rows`;
      return `${after} as lf_after_publish`;
    };
    return [...checks, ...(this.partition.auditTests?.(scope) ?? [])];
  }

  publish(change: SchemaChange, existingKind: 'table' | 'view' | undefined, probe: { monthsWithRows?: string[]; tablesWithKeys?: string[] } = {}): string[] {
    const { node, dialect, partition } = this;
    const partitionSql = partitionDialectOf(dialect);
    const tableConfig = partitionSql.monthTableConfig(node.config, this.field);
    const untouched = (this.fullRebuild ? [] : partition.existingMonths.filter((m) => !this.ranges.has(m) || this.merges(m))).map((m) => monthRelation(node.relation, m));
    const altered = [...untouched, ...(partition.hasNullsTable && !this.rebuildsNulls && this.keepsNullsTable ? [this.nullsTable] : [])];
    const sqls: string[] = [
      ...(partition.mode === 'merge' ? partitionSql.probeByIndex : []),
      ...altered.flatMap((t) => change.add.map((c) => `alter table ${qualified(t)} add column ${quoteIdentifier(c.name)} ${c.type}`)),
    ];
    // A key comes once: the delta's keys leave every month (and the NULL table) before the delta's rows go in.
    if (this.keys.length) {
      // A merge by key probed which tables hold the delta's keys (the delta step): only those are deleted from.
      const holding = this.byKey && probe.tablesWithKeys ? new Set(probe.tablesWithKeys) : undefined;
      for (const t of altered.filter((table) => !holding || holding.has(table.identifier))) {
        sqls.push(partitionSql.deleteKeys(t, this.delta, this.keys, (prefix) => this.routed(prefix || undefined)));
      }
    }
    const columns = change.target.map((c) => quoteIdentifier(c.name)).join(', ');
    let viewChanges = existingKind !== 'view' || change.add.length > 0 || change.drop.length > 0 || this.fullRebuild || partition.mode === 'rebuild';
    const withRows = this.byKey && probe.monthsWithRows ? new Set(probe.monthsWithRows) : undefined;
    for (const [month, range] of this.ranges) {
      const table = monthRelation(node.relation, month);
      if (this.merges(month)) {
        if (withRows && !withRows.has(month)) continue; // a merge by key: no row of the delta for this month
        if (!this.byKey) sqls.push(`delete from ${qualified(table)} where ${rangePredicate(this.field, range)}`);
        sqls.push(`insert into ${qualified(table)} (${columns}) ${this.newRows(change, rangePredicate(this.field, range))}`);
        continue;
      }
      viewChanges = true;
      const shadow = shadowRelation(node.relation, month, partition.runId, dialect.maxIdentifierBytes);
      sqls.push(
        dialect.drop(shadow, 'table'),
        dialect.createTableAs(shadow, this.newRows(change, rangePredicate(this.field, range)), tableConfig),
        ...partitionSql.afterMonthBuilt(shadow, this.field, rangePredicate(this.field, monthBounds(month)), this.keys),
        ...dialect.swap(shadow, table, 'table', this.existing.has(month) ? 'table' : undefined, partition.runId),
      );
    }
    if (this.keepsNullsTable) {
      const nulls = `${quoteIdentifier(this.field)} is null`;
      if (partition.hasNullsTable && !this.rebuildsNulls) {
        if (partition.mode === 'merge') sqls.push(`insert into ${qualified(this.nullsTable)} (${columns}) ${this.newRows(change, nulls)}`);
      } else {
        viewChanges = true;
        const shadow = stagingRelation(this.nullsTable, 'shadow', partition.runId, dialect.maxIdentifierBytes);
        sqls.push(
          dialect.drop(shadow, 'table'),
          dialect.createTableAs(shadow, this.newRows(change, nulls), tableConfig),
          ...partitionSql.afterNullsBuilt(shadow, this.field, this.keys),
          ...dialect.swap(shadow, this.nullsTable, 'table', partition.hasNullsTable ? 'table' : undefined, partition.runId),
        );
      }
    }
    // The view is replaced only when what it reads changes (Redshift locks a view while replacing it).
    if (viewChanges) {
      const viewSql = unionViewSql(node.relation, this.field, this.viewMonths, change.target.map((c) => c.name), partitionSql.branchFilters, this.keepsNullsTable);
      sqls.push(...replaceView(dialect, node, viewSql, existingKind, partition.runId));
    }
    sqls.push(...altered.flatMap((t) => change.drop.map((c) => `alter table ${qualified(t)} drop column ${quoteIdentifier(c.name)}`)));
    const previous = this.fullRebuild || !partition.watermark ? undefined : new Date(partition.watermark);
    const records = [
      recordWatermarkSql(node.uniqueId, this.field, `${qualified(this.delta)} where ${this.routed()}`, partition.runId, previous, partitionSql.now),
      recordWindowSql(node.uniqueId, this.window, partition.months, partition.runId, partitionSql.now),
    ];
    // The delta is dropped last: a successful run leaves no staging table behind. Just before, the rows the run
    // published leave the delta: that DELETE's row count is the run's rows_affected (rowsFromStatement).
    return asOneBatch([...records, ...sqls], [this.publishedRowsCount(), dialect.drop(this.delta, 'table')], partition.runId, node.uniqueId);
  }

  /** Counts, as a DML row count, the delta's rows the publish wrote into a month or the NULL table. */
  publishedRowsCount(): string {
    return `delete from ${qualified(this.delta)} where ${this.routed()}`;
  }
}

/** The unique_key columns a partitioned model merges on (none unless its strategy is delete+insert). */
export function uniqueKeys(node: ModelNode): string[] {
  // Unset, the strategy is the adapter's default: delete+insert when there is a unique_key.
  if ((node.config.incremental_strategy ?? 'delete+insert') !== 'delete+insert' || node.config.unique_key === undefined) return [];
  return Array.isArray(node.config.unique_key) ? node.config.unique_key.map(String) : [String(node.config.unique_key)];
}

/** Replace the model's view: in place where the dialect can (late binding), else staged and swapped. */
export function replaceView(dialect: Dialect, node: ModelNode, sql: string, existing: 'table' | 'view' | undefined, runId?: string): string[] {
  const config = { ...node.config, bind: false };
  const staged = stagingRelation(node.relation, 'view', runId, dialect.maxIdentifierBytes);
  const inPlace = dialect.replaceViewInPlace(node.relation, sql, config, existing, staged);
  if (inPlace) return [inPlace];
  return [dialect.drop(staged, 'view'), dialect.createView(staged, sql, config), ...dialect.swap(staged, node.relation, 'view', existing, runId)];
}

/** Ranges that touch or overlap merged into one: 24 whole months are one predicate, not 24. */
function mergedRanges(ranges: TimeRange[]): TimeRange[] {
  const merged: TimeRange[] = [];
  for (const range of [...ranges].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const last = merged[merged.length - 1];
    if (last && range.start.getTime() <= last.end.getTime()) last.end = later(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

function earlier(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

export { addMonths };
export type { MaterializationPlan, ColumnType };
