/**
 * dbt's `--defer`: a run that builds only some nodes (`state:modified+` in CI) reads the nodes it does not build
 * from the relations another environment built (production), named in that environment's manifest (`--state`).
 *
 * dbt defers an unselected ref only when the relation is missing from the current environment, unless
 * `--favor-state`; landfall always reads the state's relation (dbt's `--favor-state`), so a CI schema that still
 * holds an old build of an upstream model never shadows production's.
 */
import type { Manifest } from '../manifest';

/**
 * The manifest a deferred run renders with: every model and seed outside `built` that the state manifest knows
 * (and that is not ephemeral: those are inlined from the current SQL) takes the state's relation.
 *
 * @example
 * deferTo(manifest, production, new Set(['model.shop.orders'])).models['model.shop.customers'].relation // production's
 */
export function deferTo(manifest: Manifest, state: Manifest, built: ReadonlySet<string>): Manifest {
  const relationInState = (id: string) => state.models[id]?.relation ?? state.seeds[id]?.relation;
  const deferred = <T extends Manifest['models'][string] | Manifest['seeds'][string]>(node: T): T => {
    if (built.has(node.uniqueId) || node.config.materialized === 'ephemeral') return node;
    const relation = relationInState(node.uniqueId);
    return relation ? { ...node, relation } : node;
  };
  return {
    ...manifest,
    models: Object.fromEntries(Object.entries(manifest.models).map(([id, node]) => [id, deferred(node)])),
    seeds: Object.fromEntries(Object.entries(manifest.seeds).map(([id, node]) => [id, deferred(node)])),
  };
}
