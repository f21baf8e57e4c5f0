/**
 * Staging relations in a materialization: the run-scoped name of each (dialects/staging-names.ts) and the drops of
 * what other runs left behind for the node, which go first in its first step.
 */
import { stagingLeftovers, stagingRelation, type StagingKind } from '../dialects/dialect';
import type { Dialect } from '../dialects';
import type { Relation } from '../manifest';
import { qualified } from '../render/relation';
import type { Cell } from '../warehouse/warehouse';
import type { PlanInput } from './plan';
import { monthRelation } from './partitioned/relations';

/** The relation `target` stages into for this plan's run. */
export function stagedFor(input: Pick<PlanInput, 'runId' | 'dialect'>, target: Relation, kind: StagingKind): Relation {
  return stagingRelation(target, kind, input.runId, input.dialect.maxIdentifierBytes);
}

/** `drop table if exists …` for each leftover of another run (views are dropped as views by their own name shape). */
export function dropLeftovers(input: Pick<PlanInput, 'stagingLeftovers'>, schema: string): string[] {
  return (input.stagingLeftovers ?? []).map((identifier) => {
    const kind = /__lf_view_[0-9a-f]{8}$/.test(identifier) ? 'view' : 'table';
    return `drop ${kind} if exists ${qualified({ schema, identifier })} cascade`;
  });
}

const MONTH_IN_NAME = /__p(\d{4})(\d{2})/;

/**
 * For each relation, the staging relations of other runs found in a catalog's `(schema, name, …)` rows: those of
 * the relation itself and of its month tables. Only relations with leftovers appear.
 */
export function leftoversInCatalog(catalogRows: Cell[][], relations: Relation[], runId: string, dialect: Dialect): Record<string, string[]> {
  const bySchema = new Map<string, Set<string>>();
  for (const [schema, name] of catalogRows) {
    if (!/__lf_/.test(String(name))) continue;
    let names = bySchema.get(String(schema));
    if (!names) bySchema.set(String(schema), (names = new Set()));
    names.add(String(name));
  }
  const found: Record<string, string[]> = {};
  for (const relation of relations) {
    const names = bySchema.get(relation.schema);
    if (!names) continue;
    const bases = (name: string) => {
      const month = MONTH_IN_NAME.exec(name);
      return [relation.identifier, ...(month ? [monthRelation(relation, `${month[1]}-${month[2]}`).identifier] : [])];
    };
    const leftovers = stagingLeftovers(names, bases, runId, dialect.maxIdentifierBytes);
    if (leftovers.length) found[`${relation.schema}.${relation.identifier}`] = leftovers;
  }
  return found;
}
