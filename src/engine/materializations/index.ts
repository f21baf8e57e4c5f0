import type { ExecutableNode, ModelNode, SeedNode } from '../manifest';
import { EngineError } from '../errors';
import { withContract } from './contract';
import { planIncremental } from './incremental';
import { isPartitionedModel } from './partitioned/config';
import { planPartitioned } from './partitioned/plan';
import type { MaterializationPlan, PlanInput } from './plan';
import { planSeed } from './seed';
import { planSnapshot } from './snapshot';
import { planTable } from './table';
import { planView } from './view';

const modelMaterializers = { view: planView, table: planTable, incremental: planIncremental, snapshot: planSnapshot } as const;

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
  // A model with an enforced contract is checked first (contract.ts); without one, withContract is the materializer.
  return withContract(input as PlanInput<ModelNode>, materializer);
}

export type { MaterializationPlan, PlanInput, PlanStep, ExistingRelation } from './plan';
export type { ExecutableNode };
