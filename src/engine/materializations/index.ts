import type { ExecutableNode, ModelNode, SeedNode } from '../manifest';
import { EngineError } from '../errors';
import { planIncremental } from './incremental';
import { isPartitionedModel } from './partitioned/config';
import { planPartitioned } from './partitioned/plan';
import type { MaterializationPlan, PlanInput } from './plan';
import { planSeed } from './seed';
import { planTable } from './table';
import { planView } from './view';

const modelMaterializers = { view: planView, table: planTable, incremental: planIncremental } as const;

/**
 * The plan for building one node: pure, so it can be checked without a database.
 *
 * @example
 * planMaterialization({ node, sql: 'select 1 as id', dialect: dialects.postgres, existing: undefined, fullRefresh: false })
 */
export function planMaterialization(input: PlanInput): MaterializationPlan {
  if (input.node.resourceType === 'seed') return planSeed(input as PlanInput<SeedNode>);
  if (isPartitionedModel(input.node)) return planPartitioned(input as PlanInput<ModelNode>);
  const kind = input.node.config.materialized;
  const materializer = modelMaterializers[kind as keyof typeof modelMaterializers];
  if (!materializer) throw new EngineError(`${input.node.origin.file}: materialization '${kind}' is not supported`);
  return materializer(input as PlanInput<ModelNode>);
}

export type { MaterializationPlan, PlanInput, PlanStep, ExistingRelation } from './plan';
export type { ExecutableNode };
