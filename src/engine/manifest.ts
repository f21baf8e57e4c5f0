import type { Target } from './target';
import type { SelectorEntry } from './graph/selectors-file';
import type { FreshnessConfig } from './freshness/freshness';

/**
 * The compiled artifact: everything a run needs, written by `landfall compile` and loaded by the Lambda
 * functions, so no project file is parsed at run time in AWS. Plain JSON.
 */
export type Materialization = 'view' | 'table' | 'incremental' | 'seed' | 'ephemeral' | 'snapshot';
export type Severity = 'error' | 'warn';

export interface NodeConfig {
  materialized: Materialization;
  /** Custom schema suffix (`+schema`), resolved into `relation.schema` at compile time. */
  schema?: string;
  tags: string[];
  enabled: boolean;
  incremental_strategy?: 'append' | 'delete+insert' | 'merge';
  unique_key?: string | string[];
  /** Redshift physical design. Ignored by the postgres dialect. */
  dist?: string;
  sort?: string | string[];
  /** Any other key the project set, kept for macros that call `config.get`. */
  [key: string]: unknown;
}

export interface Relation {
  schema: string;
  identifier: string;
  /** Set only for a relation in another database than the target's (a source's `database`): printed as a third part. */
  database?: string;
  /** dbt's `quoting`: a part set to false prints unquoted (`raw.orders`); every part is quoted by default. */
  quoting?: RelationQuoting;
}

/** Which parts of a relation name are quoted (dbt's `quoting: {database, schema, identifier}`). */
export interface RelationQuoting {
  database?: boolean;
  schema?: boolean;
  identifier?: boolean;
}

/** Where a node came from, for error messages that point at a file and line. */
export interface Origin {
  file: string;
  line?: number;
}

export interface ModelNode {
  uniqueId: string;
  resourceType: 'model';
  name: string;
  packageName: string;
  origin: Origin;
  /** The Jinja source of the model, rendered at run time. */
  rawSql: string;
  relation: Relation;
  config: NodeConfig;
  dependsOn: string[];
  /** Folder of the file under the model path, e.g. `staging/app`, for `path:` selection. */
  path: string;
  /** dbt's enforced model contract (`contract: {enforced: true}`): declared columns and constraints (project/model-contract.ts). */
  contract?: ModelContract;
  /** dbt's model versions: this node is version `version` of model `name`; `latestVersion` is the model's latest (project/model-versions.ts). */
  version?: string;
  latestVersion?: string;
}

/** A constraint of an enforced contract, column-level (no `columns`) or model-level. */
export interface ContractConstraint {
  type: 'not_null' | 'unique' | 'primary_key' | 'foreign_key' | 'check' | 'custom';
  name?: string;
  expression?: string;
  columns?: string[];
  /** dbt's `warn_unsupported` (default true): warn when the warehouse cannot apply the constraint. */
  warnUnsupported?: boolean;
}

export interface ModelContract {
  columns: { name: string; dataType: string; constraints: ContractConstraint[] }[];
  constraints: ContractConstraint[];
}

export interface SeedNode {
  uniqueId: string;
  resourceType: 'seed';
  name: string;
  packageName: string;
  origin: Origin;
  relation: Relation;
  config: NodeConfig;
  columns: string[];
  columnTypes: Record<string, string>;
  rows: (string | null)[][];
  /** dbt-core's checksum of the seed: sha256 of the file's text, stripped (compared by `state:modified` with a dbt-core state). */
  checksum?: string;
  dependsOn: string[];
  path: string;
}

export interface SourceTable {
  uniqueId: string;
  resourceType: 'source';
  sourceName: string;
  name: string;
  origin: Origin;
  relation: Relation;
  meta: Record<string, unknown>;
  tags: string[];
  /** dbt's `loaded_at_field` and `freshness` (table settings over the source's), for `source freshness`. */
  loadedAtField?: string;
  freshness?: FreshnessConfig;
}

export interface TestNode {
  uniqueId: string;
  resourceType: 'test';
  name: string;
  origin: Origin;
  /** `generic` tests carry their macro name and arguments; `singular` tests are SQL files. */
  kind: 'generic' | 'singular';
  testName?: string;
  /** The Jinja SQL returning failing rows. */
  rawSql: string;
  /** The model, seed or source the test is about. */
  attachedTo: string;
  columnName?: string;
  severity: Severity;
  where?: string;
  /** dbt's `error_if`/`warn_if` conditions on the failure count, e.g. `>10` (default `!=0`). */
  errorIf?: string;
  warnIf?: string;
  /** dbt's `limit`: at most this many failing rows are counted. */
  limit?: number;
  /** dbt's `store_failures`: the failing rows are kept in this table (`<schema>_dbt_test__audit.<test alias>`). */
  storeFailuresIn?: Relation;
  /** dbt's `store_failures_as: view`: the failing rows are kept as a view rather than a table. */
  storeFailuresAs?: 'view';
  /** dbt's `fail_calc`: the aggregate over the failing rows that counts failures (`count(*)` by default). */
  failCalc?: string;
  tags: string[];
  dependsOn: string[];
  /** Set on a dbt unit test (project/compile-unit-tests.ts): it runs before its model and gates it. */
  unitTest?: { model: string };
  /**
   * A generic test's macro and arguments as written (dbt's `test_metadata`, without `model`): dbt-core hashes them
   * into the test's unique id (`test.<pkg>.<name>.<hash>`), which src/artifacts reproduces.
   */
  testMetadata?: { name: string; namespace: string | null; kwargs: Record<string, unknown> };
}

/**
 * A resource dbt parses and puts in the graph but never builds: an exposure, a semantic model, a metric or a saved
 * query (project/compile-definitions.ts). Selectable (`exposure:x`, `+metric:y`) and listed by `ls`; a run skips it.
 */
export interface DefinitionNode {
  uniqueId: string;
  resourceType: DefinitionResourceType;
  name: string;
  packageName: string;
  origin: Origin;
  tags: string[];
  meta: Record<string, unknown>;
  /** The YAML entry as written (type, owner, label, type_params, query_params, …). */
  properties: Record<string, unknown>;
  dependsOn: string[];
}
export type DefinitionResourceType = 'exposure' | 'semantic_model' | 'metric' | 'saved_query';

export type Node = ModelNode | SeedNode | SourceTable | TestNode | DefinitionNode;

/** dbt's resource type of a node: a snapshot is a model node materialized `snapshot` (id `snapshot.<pkg>.<name>`). */
export function dbtResourceType(node: Node): string {
  if (node.resourceType === 'test' && node.unitTest) return 'unit_test';
  if (node.resourceType === 'model' && node.uniqueId.startsWith('analysis.')) return 'analysis';
  return node.resourceType === 'model' && node.config.materialized === 'snapshot' ? 'snapshot' : node.resourceType;
}
export type ExecutableNode = ModelNode | SeedNode;

export interface Manifest {
  landfallVersion: 1;
  projectName: string;
  compiledAt: string;
  /** The vars of the root project's nodes (`--vars` included). */
  vars: Record<string, unknown>;
  /** The vars of each installed package's nodes, by package (dbt scopes vars by the node's package; project/compile-manifest.ts). */
  packageVars?: Record<string, Record<string, unknown>>;
  /** All project macro sources, concatenated and prepended to every render. */
  macroSource: string;
  /** Number of lines `macroSource` adds, to map render errors back to the model's own lines. */
  macroLines: number;
  models: Record<string, ModelNode>;
  seeds: Record<string, SeedNode>;
  sources: Record<string, SourceTable>;
  tests: Record<string, TestNode>;
  /** Exposures, semantic models, metrics and saved queries: in the graph, never built (absent when the project has none). */
  definitions?: Record<string, DefinitionNode>;
  /** dbt's analyses (`analysis.<pkg>.<name>`): compiled by `landfall compile`, never run (absent when the project has none). */
  analyses?: Record<string, ModelNode>;
  /** What the project sets that landfall parses but does not act on (project/ignored-settings.ts), printed by the CLI. */
  parseWarnings?: string[];
  /** Named selections from `selectors.yml` (`--selector name`). */
  selectors?: SelectorEntry[];
  /** dbt_project.yml's `on-run-start`/`on-run-end` hooks (Jinja, rendered at run time), when it has any. */
  projectHooks?: { 'on-run-start': string[]; 'on-run-end': string[] };
  /** The target the relations were resolved for (schemas depend on `target.schema`). */
  target: Target;
}

/**
 * The source table `source(sourceName, tableName)` names: the root project's, else an installed package's
 * (dbt searches the root project, then the node's package, then any package).
 */
export function findSource(manifest: Pick<Manifest, 'projectName' | 'sources'>, sourceName: string, tableName: string): SourceTable | undefined {
  return manifest.sources[`source.${manifest.projectName}.${sourceName}.${tableName}`]
    ?? Object.values(manifest.sources).find((s) => s.sourceName === sourceName && s.name === tableName);
}
