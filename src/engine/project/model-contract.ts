/**
 * Parse time for dbt's model contracts: a model whose config has `contract: {enforced: true}` declares its
 * columns (`columns[].data_type`) and constraints (column-level `columns[].constraints`, model-level
 * `constraints`). What dbt refuses at parse time is refused here with the file and line: a contracted column
 * without `data_type`, a contract on an ephemeral model, an unknown constraint type. The run-time check and the
 * DDL are in materializations/contract.ts.
 */
import { ProjectError, lineOf } from '../errors';
import type { ContractConstraint, ModelContract, NodeConfig } from '../manifest';
import { escapeRegex } from './config-levels';

const CONSTRAINT_TYPES = ['not_null', 'unique', 'primary_key', 'foreign_key', 'check', 'custom'] as const;

interface ContractYaml {
  columns?: { name: string; data_type?: unknown; constraints?: unknown }[];
  constraints?: unknown;
}

/** Whether a model's merged config enforces its contract. */
export function contractEnforced(config: Pick<NodeConfig, 'contract'> | Record<string, unknown>): boolean {
  const contract = (config as Record<string, unknown>).contract;
  return typeof contract === 'object' && contract !== null && (contract as { enforced?: unknown }).enforced === true;
}

/**
 * The contract of a model from its YAML entry, or undefined when its config does not enforce one.
 *
 * @example
 * contractOf({ name: 'm', columns: [{ name: 'id', data_type: 'int', constraints: [{ type: 'not_null' }] }] },
 *   { materialized: 'table', contract: { enforced: true } }, 'models/schema.yml', text)
 * // { columns: [{ name: 'id', dataType: 'int', constraints: [{ type: 'not_null' }] }], constraints: [] }
 */
export function contractOf(entry: ContractYaml | undefined, config: NodeConfig, file: string, text: string, modelName: string): ModelContract | undefined {
  if (!contractEnforced(config)) return undefined;
  if (config.materialized === 'ephemeral') {
    throw new ProjectError(file, `model '${modelName}' is ephemeral: dbt does not support contracts on ephemeral models (remove contract.enforced or materialize it)`, lineOf(text, /contract/));
  }
  const onSchemaChange = String(config.on_schema_change ?? 'ignore');
  if (config.materialized === 'incremental' && onSchemaChange !== 'append_new_columns' && onSchemaChange !== 'fail') {
    // dbt-core refuses this at parse time with the same words.
    throw new ProjectError(file, `model '${modelName}': Invalid value for on_schema_change: ${onSchemaChange}. Models materialized as incremental with contracts enabled must set on_schema_change to 'append_new_columns' or 'fail'`, lineOf(text, /contract/));
  }
  const columns = (entry?.columns ?? []).map((column) => {
    const where = lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(column.name)}['"]?\\s*$`, 'm'));
    if (typeof column.data_type !== 'string' || column.data_type.trim() === '') {
      throw new ProjectError(file, `model '${modelName}' has an enforced contract: column '${column.name}' needs a data_type (dbt: contracted models require data_type for each column)`, where);
    }
    return { name: column.name, dataType: column.data_type.trim(), constraints: constraintsOf(column.constraints, file, text, `column '${column.name}' of model '${modelName}'`, false) };
  });
  if (columns.length === 0) {
    throw new ProjectError(file, `model '${modelName}' has an enforced contract but declares no columns (list them with name and data_type under the model's columns:)`, lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(modelName)}['"]?\\s*$`, 'm')));
  }
  return { columns, constraints: constraintsOf(entry?.constraints, file, text, `model '${modelName}'`, true) };
}

function constraintsOf(value: unknown, file: string, text: string, owner: string, modelLevel: boolean): ContractConstraint[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ProjectError(file, `constraints of ${owner} must be a list`, lineOf(text, /constraints:/));
  return value.map((raw, i) => {
    const item = (raw ?? {}) as Record<string, unknown>;
    const where = `constraint ${i + 1} of ${owner}`;
    const type = item.type;
    if (typeof type !== 'string' || !(CONSTRAINT_TYPES as readonly string[]).includes(type)) {
      throw new ProjectError(file, `${where}: type ${JSON.stringify(type)} is not one of ${CONSTRAINT_TYPES.join(', ')}`, lineOf(text, /constraints:/));
    }
    if (item.to !== undefined) {
      throw new ProjectError(file, `${where}: foreign_key 'to:'/'to_columns:' is not supported yet; write the target as expression: "schema.table (column)"`, lineOf(text, /\bto:/));
    }
    const columns = item.columns === undefined ? undefined : (Array.isArray(item.columns) ? item.columns.map(String) : [String(item.columns)]);
    if (modelLevel && ['not_null', 'unique', 'primary_key', 'foreign_key'].includes(type) && !columns?.length) {
      throw new ProjectError(file, `${where}: a model-level ${type} constraint needs columns: [...]`, lineOf(text, /constraints:/));
    }
    if ((type === 'check' || type === 'custom' || type === 'foreign_key') && typeof item.expression !== 'string') {
      throw new ProjectError(file, `${where}: a ${type} constraint needs an expression`, lineOf(text, /constraints:/));
    }
    return {
      type: type as ContractConstraint['type'],
      ...(typeof item.name === 'string' ? { name: item.name } : {}),
      ...(typeof item.expression === 'string' ? { expression: item.expression } : {}),
      ...(columns ? { columns } : {}),
      ...(item.warn_unsupported === false ? { warnUnsupported: false } : {}),
    };
  });
}
