/**
 * The freshness lag of one run: for each arrival the run covered, when it landed (the loader's own time from the
 * event: Fivetran's `created`, the DMS event time, the S3 event time), when the run that covered it started, and
 * when each model downstream of the arrival's sources was published (its node finished with success). Pure.
 *
 * Lag of an arrival at a model = published − landed. An arrival's own lag is the lag of its last downstream model
 * (when everything it feeds shows it). Models the run did not publish (error, skipped) are listed as unpublished:
 * their lag continues into a later run, which records it against its own arrivals.
 */
import type { RunState } from '../engine/run/run-state';

/** One arrival as the run input carries it (a single `Data Arrived` event, or one entry of a coalesced batch). */
export interface CoveredArrival {
  id: string;
  loader: string;
  /** Connector id, DMS task ARN or s3://bucket/key. */
  connector?: string;
  /** ISO time the loader says the data landed. */
  landedAt: string;
  /** dbt source ids (`source.<project>.<source>.<table>`) the arrival was routed to. */
  sources: string[];
}

export interface ModelPublication {
  model: string;
  publishedAt: string;
  lagMs: number;
}

export interface ArrivalLag extends CoveredArrival {
  runStartedAt: string;
  /** runStartedAt − landedAt: the wait for a window and for the run ahead (never negative). */
  queuedMs: number;
  published: ModelPublication[];
  /** Downstream models in the run that did not publish (error, skipped, still pending when the run crashed). */
  unpublished: string[];
  /** When its last downstream model published; null when none did. */
  lagMs: number | null;
}

/** The parts of the manifest's graph the lag needs: each node's parents. */
export type ParentsOf = (nodeId: string) => readonly string[];

/**
 * @example
 * arrivalLags(run, [{ id: 'fivetran:s1', loader: 'fivetran', landedAt: '…', sources: ['source.p.app.users'] }], parentsOf)
 *   // [{ id: 'fivetran:s1', published: [{ model: 'model.p.stg_users', lagMs: 93000, … }], lagMs: 131000, … }]
 */
export function arrivalLags(run: Pick<RunState, 'startedAt' | 'nodes'>, arrivals: readonly CoveredArrival[], parentsOf: ParentsOf): ArrivalLag[] {
  const models = run.nodes.filter((n) => n.kind === 'model');
  const upstreamSources = upstreamSourcesOf(models.map((m) => m.id), parentsOf);
  const runStarted = Date.parse(run.startedAt);
  return arrivals.map((arrival) => {
    const landed = Date.parse(arrival.landedAt);
    if (Number.isNaN(landed)) throw new Error(`arrival ${arrival.id}: landedAt '${arrival.landedAt}' is not a time`);
    const published: ModelPublication[] = [];
    const unpublished: string[] = [];
    for (const model of models) {
      if (!arrival.sources.some((s) => upstreamSources.get(model.id)!.has(s))) continue;
      if (model.status === 'success' && model.finishedAt) {
        published.push({ model: model.id, publishedAt: model.finishedAt, lagMs: Math.max(0, Date.parse(model.finishedAt) - landed) });
      } else unpublished.push(model.id);
    }
    return {
      ...arrival,
      runStartedAt: run.startedAt,
      queuedMs: Math.max(0, runStarted - landed),
      published,
      unpublished,
      lagMs: published.length ? Math.max(...published.map((p) => p.lagMs)) : null,
    };
  });
}

/** For each model, the source ids it reads directly or through other nodes (memoized walk up the parents). */
function upstreamSourcesOf(modelIds: readonly string[], parentsOf: ParentsOf): Map<string, Set<string>> {
  const memo = new Map<string, Set<string>>();
  const visit = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const sources = new Set<string>();
    memo.set(id, sources); // the graph has no cycles (buildGraph refuses them); this only stops re-entry
    for (const parent of parentsOf(id)) {
      if (parent.startsWith('source.')) sources.add(parent);
      else for (const s of visit(parent)) sources.add(s);
    }
    return sources;
  };
  return new Map(modelIds.map((id) => [id, visit(id)]));
}
