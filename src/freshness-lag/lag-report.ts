/**
 * The freshness lag as `landfall executions` prints it: p50/p95/max per source and per model over the runs shown. Pure.
 */
import type { ArrivalLag } from './arrival-lag';
import { aggregateLags, formatLag } from './aggregate';
import type { LagSummary } from './percentiles';

function row(name: string, s: LagSummary): string {
  return `  ${name.padEnd(48)} ${String(s.count).padStart(6)}  ${formatLag(s.p50Ms).padStart(9)}  ${formatLag(s.p95Ms).padStart(9)}  ${formatLag(s.maxMs).padStart(9)}`;
}

/** Short names: `source.<project>.raw.users` → `raw.users`, `model.<project>.fct_x` → `fct_x`. */
function shortName(id: string): string {
  return id.split('.').slice(2).join('.') || id;
}

/**
 * @param runs how many runs the arrivals come from (for the heading)
 * @param maxModels models listed, worst p95 first (all sources are listed)
 */
export function lagReportLines(arrivals: readonly ArrivalLag[], runs: number, maxModels = 10): string[] {
  if (arrivals.length === 0) return [];
  const aggregate = aggregateLags(arrivals);
  const header = `  ${''.padEnd(48)} ${'n'.padStart(6)}  ${'p50'.padStart(9)}  ${'p95'.padStart(9)}  ${'max'.padStart(9)}`;
  const lines = [`Freshness lag (loader landed → model published), ${arrivals.length} arrivals in ${runs} run${runs === 1 ? '' : 's'}:`, header];
  if (aggregate.overall) lines.push(row('every arrival (its last model)', aggregate.overall));
  if (aggregate.queued) lines.push(row('waiting for its run to start', aggregate.queued));
  const sources = Object.entries(aggregate.bySource);
  if (sources.length) lines.push(' per source:', ...sources.map(([id, s]) => row(shortName(id), s)));
  const models = Object.entries(aggregate.byModel).sort(([, a], [, b]) => b.p95Ms - a.p95Ms);
  if (models.length) {
    lines.push(` per model (worst p95 first${models.length > maxModels ? `, ${maxModels} of ${models.length}; --json lists all` : ''}):`);
    lines.push(...models.slice(0, maxModels).map(([id, s]) => row(shortName(id), s)));
  }
  if (aggregate.unpublishedArrivals) lines.push(`  ${aggregate.unpublishedArrivals} arrival(s) published no model (their models failed or were skipped)`);
  return lines;
}
