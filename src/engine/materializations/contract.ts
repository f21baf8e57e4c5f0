/**
 * Run time for dbt's enforced model contracts (the parse side is project/model-contract.ts).
 *
 * Before building, a first step creates an empty probe table from the model's SQL (`… where false limit 0`, under the
 * run's `delta` staging name) and reads its column types (`fetchColumns`). The next plan compares them with the
 * contract as dbt-postgres does (by name, and by the type family a PostgreSQL driver reports: `varchar(10)` and `text`
 * are both TEXT, `int` and `bigint` are not the same) and either fails with dbt's table of mismatches or builds.
 * A table (and an incremental model's first build or full refresh) is then created from the contract: declared column
 * types and constraints, then `insert … select` in the contract's column order. Views are only checked (dbt applies
 * no constraints to views).
 *
 * Constraints per warehouse:
 *   - PostgreSQL enforces not_null, unique, primary_key, foreign_key and check.
 *   - Redshift enforces NOT NULL only; unique, primary key and foreign key are accepted but informational
 *     ("Uniqueness, primary key, and foreign key constraints are informational only; they are not enforced by Amazon
 *     Redshift", https://docs.aws.amazon.com/redshift/latest/dg/t_Defining_constraints.html); check constraints are not
 *     supported, so like dbt-redshift they are left out with a warning.
 */
import type { Dialect } from '../dialects';
import type { ContractConstraint, ModelContract, ModelNode } from '../manifest';
import { qualified, quoteIdentifier } from '../render/relation';
import type { ColumnType, MaterializationPlan, PlanInput } from './plan';
import { dropLeftovers, stagedFor } from './staging';

/** How each warehouse treats each constraint type (dbt's `ConstraintSupport`). */
export type ConstraintSupport = 'enforced' | 'not_enforced' | 'not_supported';

export function constraintSupport(dialect: Pick<Dialect, 'name'>, type: ContractConstraint['type']): ConstraintSupport {
  if (dialect.name === 'postgres') return 'enforced';
  if (type === 'not_null' || type === 'custom') return 'enforced';
  if (type === 'check') return 'not_supported';
  return 'not_enforced';
}

/**
 * The type family a PostgreSQL driver names a column type by (psycopg2's typecaster names, which dbt-postgres's
 * contract check compares, with dbt's label TEXT for STRING): sizes, precisions and aliases do not matter.
 * Checked against dbt-core 1.10.23 + dbt-postgres: `'x'` against `int` prints `| id | TEXT | INTEGER | data type mismatch |`.
 *
 * @example
 * typeFamily('character varying(10)') // 'TEXT'
 * typeFamily('int') // 'INTEGER'
 */
export function typeFamily(type: string): string {
  const base = type.trim().toLowerCase().replace(/\s*\(.*\)\s*/, ' ').replace(/\s+/g, ' ').trim();
  const families: [RegExp, string][] = [
    [/^(smallint|int2|integer|int|int4|smallserial|serial|serial4)$/, 'INTEGER'],
    [/^(bigint|int8|bigserial|serial8)$/, 'LONGINTEGER'],
    [/^(real|float4|double precision|float8|float)$/, 'FLOAT'],
    [/^(numeric|decimal)$/, 'DECIMAL'],
    [/^(text|varchar|character varying|char|character|bpchar|nchar|nvarchar|name|string)$/, 'TEXT'],
    [/^(boolean|bool)$/, 'BOOLEAN'],
    [/^date$/, 'DATE'],
    [/^(timestamp|timestamp without time zone)$/, 'DATETIME'],
    [/^(timestamptz|timestamp with time zone)$/, 'DATETIMETZ'],
    [/^(time|time without time zone|timetz|time with time zone)$/, 'TIME'],
    [/^json$/, 'JSON'],
    [/^jsonb$/, 'JSONB'],
    [/^interval/, 'INTERVAL'],
  ];
  return families.find(([pattern]) => pattern.test(base))?.[1] ?? base.toUpperCase();
}

export interface ContractMismatch {
  column: string;
  definitionType: string;
  contractType: string;
  reason: 'data type mismatch' | 'missing in definition' | 'missing in contract';
}

/** The differences between the model's columns (from its SQL) and its contract; empty when they agree. */
export function contractMismatches(contract: ModelContract, definition: ColumnType[]): ContractMismatch[] {
  const byName = new Map(definition.map((c) => [c.name.toLowerCase(), c]));
  const declared = new Set(contract.columns.map((c) => c.name.toLowerCase()));
  const mismatches: ContractMismatch[] = [];
  for (const column of contract.columns) {
    const actual = byName.get(column.name.toLowerCase());
    if (!actual) mismatches.push({ column: column.name, definitionType: '', contractType: typeFamily(column.dataType), reason: 'missing in definition' });
    else if (typeFamily(actual.type) !== typeFamily(column.dataType)) {
      mismatches.push({ column: column.name, definitionType: typeFamily(actual.type), contractType: typeFamily(column.dataType), reason: 'data type mismatch' });
    }
  }
  for (const column of definition) {
    if (!declared.has(column.name.toLowerCase())) mismatches.push({ column: column.name, definitionType: typeFamily(column.type), contractType: '', reason: 'missing in contract' });
  }
  // dbt's table lists the columns by name.
  return mismatches.sort((a, b) => (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
}

/** dbt's contract error: the explanation, then a table of column name / definition type / contract type / reason. */
export function contractErrorMessage(node: Pick<ModelNode, 'name' | 'origin'>, mismatches: ContractMismatch[]): string {
  const header = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'];
  const rows = mismatches.map((m) => [m.column, m.definitionType, m.contractType, m.reason]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `Compilation Error in model ${node.name} (${node.origin.file})`,
    'This model has an enforced contract that failed.',
    `Please ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

/** Warnings for constraints the warehouse cannot apply (dbt's `warn_unsupported`). */
export function unsupportedConstraintWarnings(node: ModelNode, dialect: Pick<Dialect, 'name'>): string[] {
  const contract = node.contract;
  if (!contract) return [];
  const all = [...contract.columns.flatMap((c) => c.constraints), ...contract.constraints];
  const isView = node.config.materialized === 'view';
  return all.filter((c) => c.warnUnsupported !== false && (isView || constraintSupport(dialect, c.type) !== 'enforced')).map((c) =>
    isView ? `model '${node.name}': constraint ${c.type} is not applied to a view`
      : constraintSupport(dialect, c.type) === 'not_supported' ? `model '${node.name}': ${dialect.name} does not support ${c.type} constraints; left out`
        : `model '${node.name}': ${dialect.name} does not enforce ${c.type} constraints; declared as informational`);
}

function constraintSql(constraint: ContractConstraint, columnLevel: boolean): string | undefined {
  const named = constraint.name ? `constraint ${quoteIdentifier(constraint.name)} ` : '';
  const columns = `(${(constraint.columns ?? []).map(quoteIdentifier).join(', ')})`;
  switch (constraint.type) {
    case 'not_null': return columnLevel ? 'not null' : undefined;
    case 'unique': return `${named}unique${columnLevel ? '' : ` ${columns}`}`;
    case 'primary_key': return `${named}primary key${columnLevel ? '' : ` ${columns}`}`;
    case 'check': return `${named}check (${constraint.expression})`;
    case 'foreign_key': return `${named}${columnLevel ? '' : `foreign key ${columns} `}references ${constraint.expression}`;
    case 'custom': return constraint.expression;
  }
}

/** `create table` with the contract's columns and constraints the dialect accepts, then the insert of the model's rows. */
export function contractTableSqls(relation: ModelNode['relation'], contract: ModelContract, sql: string, dialect: Dialect, config: ModelNode['config']): string[] {
  const keep = (c: ContractConstraint) => constraintSupport(dialect, c.type) !== 'not_supported';
  const definitions = contract.columns.map((column) => [
    `${quoteIdentifier(column.name)} ${column.dataType}`,
    ...column.constraints.filter(keep).map((c) => constraintSql(c, true)).filter((s): s is string => !!s),
  ].join(' '));
  const modelLevel = contract.constraints.filter(keep).flatMap((c) => {
    if (c.type === 'not_null') return [];
    const text = constraintSql(c, false);
    return text ? [text] : [];
  });
  // The dialect's own `create table` (Redshift adds DISTKEY/SORTKEY after the list), with the list swapped in.
  const placeholder = '__landfall_contract_columns__';
  const create = dialect.createTable(relation, [{ name: placeholder, type: '' }], config)
    .replace(`${quoteIdentifier(placeholder)} `, [...definitions, ...modelLevel].join(', '));
  const notNullAlters = contract.constraints.filter((c) => c.type === 'not_null').flatMap((c) => c.columns ?? [])
    .map((column) => `alter table ${qualified(relation)} alter column ${quoteIdentifier(column)} set not null`);
  const names = contract.columns.map((c) => quoteIdentifier(c.name)).join(', ');
  return [create, ...notNullAlters, `insert into ${qualified(relation)} (${names})\n(select ${names} from (\n${sql}\n) as model_subq)`];
}

/** Whether this plan builds the model's table from scratch (a table, or an incremental model's first build or full refresh). */
function buildsNewTable(input: PlanInput<ModelNode>): boolean {
  const { node, existing, fullRefresh } = input;
  if (node.config.materialized === 'table') return true;
  if (node.config.materialized !== 'incremental') return false;
  return !existing || existing.kind !== 'table' || (fullRefresh && node.config.full_refresh !== false);
}

/**
 * The plan of a model with an enforced contract: the probe step, then (once its columns are known) either a
 * failing step with dbt's mismatch table or the materialization's own plan, with tables created from the contract.
 */
export function withContract(input: PlanInput<ModelNode>, plan: (input: PlanInput<ModelNode>) => MaterializationPlan): MaterializationPlan {
  const { node, dialect, sql } = input;
  const contract = node.contract;
  if (!contract) return plan(input);
  const probe = stagedFor(input, node.relation, 'delta');
  const dropProbe = dialect.drop(probe, 'table');
  const probeStep = {
    sqls: [...dropLeftovers(input, node.relation.schema), dropProbe, dialect.createTableAs(probe, `select * from (\n${sql}\n) as __dbt_sbq where false limit 0`, { ...node.config, dist: undefined, sort: undefined }), dialect.columnsQuery([probe])],
    fetchColumns: true,
  };
  const probed = input.columns?.[`${probe.schema}.${probe.identifier}`];
  if (!probed) return { steps: [probeStep] };
  const mismatches = contractMismatches(contract, probed);
  if (mismatches.length) return { steps: [probeStep, { sqls: [dropProbe], failWith: contractErrorMessage(node, mismatches) }] };
  // The leftovers were dropped by the probe step; the materialization must not drop them again.
  const rest = buildsNewTable(input) ? contractTablePlan(input, contract) : plan({ ...input, stagingLeftovers: [] });
  const [first, ...others] = rest.steps;
  return { ...rest, steps: [probeStep, { ...first!, sqls: [dropProbe, ...first!.sqls] }, ...others] };
}

function contractTablePlan(input: PlanInput<ModelNode>, contract: ModelContract): MaterializationPlan {
  const { node, sql, dialect, existing } = input;
  if (!existing) return { steps: [{ sqls: contractTableSqls(node.relation, contract, sql, dialect, node.config) }] };
  const staged = stagedFor(input, node.relation, 'new');
  return {
    steps: [{
      sqls: [
        dialect.drop(staged, 'table'),
        ...contractTableSqls(staged, contract, sql, dialect, node.config),
        ...dialect.swap(staged, node.relation, 'table', existing.kind, input.runId),
      ],
    }],
  };
}
