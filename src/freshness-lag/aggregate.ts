/**
 * p50/p95/max of the freshness lag per source and per model, over the arrivals of one run or of many. Pure.
 *
 * Per source: each arrival routed to the source counts once, with its own lag (its last downstream model's).
 * Per model: each (arrival, model) publication counts once.
 */
import type { ArrivalLag } from './arrival-lag';
import { summarizeLags, type LagSummary } from './percentiles';

export interface LagAggregate {
  overall: LagSummary | null;
  /** Arrivals waiting for the run that covered them (landed → run started). */
  queued: LagSummary | null;
  bySource: Record<string, LagSummary>;
  byModel: Record<string, LagSummary>;
  /** Arrivals none of whose downstream models published (their lag is open). */
  unpublishedArrivals: number;
}

export function aggregateLags(arrivals: readonly ArrivalLag[]): LagAggregate {
  const bySource = new Map<string, number[]>();
  const byModel = new Map<string, number[]>();
  const overall: number[] = [];
  let unpublishedArrivals = 0;
  for (const arrival of arrivals) {
    if (arrival.lagMs === null) {
      if (arrival.unpublished.length > 0) unpublishedArrivals++;
      continue;
    }
    overall.push(arrival.lagMs);
    for (const source of arrival.sources) push(bySource, source, arrival.lagMs);
    for (const p of arrival.published) push(byModel, p.model, p.lagMs);
  }
  return {
    overall: summarizeLags(overall),
    queued: summarizeLags(arrivals.map((a) => a.queuedMs)),
    bySource: summaries(bySource),
    byModel: summaries(byModel),
    unpublishedArrivals,
  };
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function summaries(map: Map<string, number[]>): Record<string, LagSummary> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, values]) => [key, summarizeLags(values)!]));
}

/** `93 s`, `4.2 min`, `1.5 h`: a lag as a person reads it. */
export function formatLag(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
