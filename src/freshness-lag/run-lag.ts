/**
 * The freshness lag of a finished transform run, from what the run history already has: the compiled manifest
 * (for each model's upstream sources), the run state (each model's finish) and the arrivals the run covered.
 */
import type { Manifest } from '../engine/manifest';
import type { RunState } from '../engine/run/run-state';
import { arrivalLags, type CoveredArrival, type ParentsOf } from './arrival-lag';
import { freshnessLagDocument, type FreshnessLagDocument } from './history-document';

/** Each manifest node's parents (models — snapshots included — and seeds: `dependsOn`); sources have none. */
export function parentsInManifest(manifest: Manifest): ParentsOf {
  const nodes: Record<string, { dependsOn?: string[] }> = { ...manifest.seeds, ...manifest.models };
  return (id) => nodes[id]?.dependsOn ?? [];
}

/**
 * @returns null when the run covered no arrival (a console or scheduled run has no landing time to measure from).
 */
export function runFreshnessLag(manifest: Manifest, run: RunState, execution: string, arrivals: readonly CoveredArrival[]): FreshnessLagDocument | null {
  if (arrivals.length === 0) return null;
  return freshnessLagDocument(execution, run.startedAt, arrivalLags(run, arrivals, parentsInManifest(manifest)));
}
