import type { Dialect, RelationKind } from '../dialects';
import type { ExecutableNode } from '../manifest';
import type { PartitionPlanContext } from './partitioned/plan';

/** One submit to the warehouse: a single statement, or several run as one transaction. */
export interface PlanStep {
  sqls: string[];
}

/** What a materialization does, as data: steps run in order, each one transaction. */
export interface MaterializationPlan {
  steps: PlanStep[];
}

/** What the warehouse held for a node's relation when the run was planned. */
export interface ExistingRelation {
  kind: RelationKind;
  /** Column names in order (tables only). */
  columns: string[];
}

export interface PlanInput<N extends ExecutableNode = ExecutableNode> {
  node: N;
  /** The rendered SELECT (models); unused by seeds. */
  sql: string;
  dialect: Dialect;
  existing: ExistingRelation | undefined;
  fullRefresh: boolean;
  /** The run's window and month tables, for models with `partition_by` (see partitioned/plan.ts). */
  partition?: PartitionPlanContext;
}

export type Materializer<N extends ExecutableNode = ExecutableNode> = (input: PlanInput<N>) => MaterializationPlan;
