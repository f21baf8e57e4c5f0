import type { Dialect, RelationKind } from '../dialects';
import type { ExecutableNode } from '../manifest';
import type { Grants } from './grants';
import type { PartitionPlanContext } from './partitioned/plan';

/** One submit to the warehouse: a single statement, or several run as one transaction. */
export interface PlanStep {
  sqls: string[];
  /**
   * The step's last statement returns `(schema, relation, column, type)` rows the following steps depend
   * on (e.g. `on_schema_change` comparing a delta with its target); the run keeps them for the next plan.
   */
  fetchColumns?: boolean;
  /** When this step has run, the node fails with this message (e.g. `on_schema_change: fail`). */
  failWith?: string;
  /** The post-hooks' step: their run-time queries run just before it (run/run-time-queries.ts). */
  runsPostHookQueries?: boolean;
  /**
   * Index in `sqls` of the statement whose row count (the Data API's SubStatementData.ResultRows: rows affected by a
   * DML statement) is the node's rows_affected; unset, the batch's (its last statement that reports rows).
   */
  rowsFromStatement?: number;
}

/** A column and its SQL type, as the warehouse's catalog reports it. */
export interface ColumnType {
  name: string;
  type: string;
}

/** Columns of the relations a plan asked about (a step with `fetchColumns`), by `schema.identifier`. */
export type FetchedColumns = Record<string, ColumnType[]>;

/** What a materialization does, as data: steps run in order, each one transaction. */
export interface MaterializationPlan {
  steps: PlanStep[];
  /**
   * The existing relation is altered or replaced in place (an incremental merge, a view replaced with
   * `create or replace`) and so may keep grants from earlier runs; otherwise it is new or swapped in.
   */
  keepsRelation?: boolean;
}

/** What the warehouse held for a node's relation when the run was planned. */
export interface ExistingRelation {
  kind: RelationKind;
  /** Column names in order (tables only). */
  columns: string[];
  /**
   * Grants others hold on it that its node's `grants` config does not name, read only for nodes with a
   * `grants` config (see grants.ts); absent when there are none.
   */
  extraGrants?: Grants;
}

export interface PlanInput<N extends ExecutableNode = ExecutableNode> {
  node: N;
  /** The rendered SELECT (models); unused by seeds. */
  sql: string;
  dialect: Dialect;
  existing: ExistingRelation | undefined;
  fullRefresh: boolean;
  /** What a previous step with `fetchColumns` returned, once it has run. */
  columns?: FetchedColumns;
  /** The run's window and month tables, for models with `partition_by` (see partitioned/plan.ts). */
  partition?: PartitionPlanContext;
  /**
   * The run: staging relations are named after it (dialects/staging-names.ts), so that two runs never touch each
   * other's and a retried step reuses its own. Absent outside a run (run-less names).
   */
  runId?: string;
  /** Staging relations of this node that other runs left (a crash): the first step drops them. */
  stagingLeftovers?: string[];
}

export type Materializer<N extends ExecutableNode = ExecutableNode> = (input: PlanInput<N>) => MaterializationPlan;
