/**
 * Which arrivals a run covers, and when each landed: from a single `Data Arrived` input (the run's trigger), or
 * from the `arrivals` list a coalesced build request carries (`coveredArrivalEntry` writes one entry).
 */
import type { Manifest } from '../engine/manifest';
import type { DataArrivedEvent } from '../events/arrival';
import type { CoveredArrival } from './arrival-lag';

/** A build request carries at most this many (src/runtime/run-input.ts), so a 256 KB execution input holds them. */
export const MAX_COVERED_ARRIVALS = 1000;

/** One entry of a build request's `arrivals` (src/runtime/run-input.ts). */
export interface CoveredArrivalEntry {
  id: string;
  loader: 'fivetran' | 'dms' | 's3';
  landedAt: string;
  connector?: string;
  select: string[];
}

/** The run's trigger as stored beside its state (src/runtime/transform-run.ts `RunTrigger`), read structurally. */
export interface TriggerWithArrivals {
  kind: string;
  loader: string;
  connector?: string;
  arrivalId?: string;
  arrivedAt: string;
  routedSources: string[];
  arrivals?: { id: string; loader: string; landedAt: string; connector?: string; select: string[] }[];
}

/**
 * What the coalescer puts in a batch's build request for each arrival (its selectors are the routes'
 * `source:<source>.<table>+`).
 *
 * @example
 * { command: 'build', select, arrivals: batch.map((a) => coveredArrivalEntry(a.event, a.selectors)) }
 */
export function coveredArrivalEntry(event: DataArrivedEvent, select: readonly string[]): CoveredArrivalEntry {
  const d = event.detail;
  // An S3 object's key travels in the request's `loads` already: not repeated here (the input's 256 KB).
  const connector = d.loader === 'fivetran' ? d.connector.connectorId : d.loader === 'dms' ? d.connector.taskArn : undefined;
  return { id: d.arrivalId, loader: d.loader, landedAt: d.arrivedAt, ...(connector !== undefined && { connector: connector.slice(0, 1100) }), select: [...select] };
}

/** The source id a route selector `source:<source>.<table>+` names, or undefined. */
function sourceOfSelector(manifest: Manifest, selector: string): string | undefined {
  const m = /^source:([^.]+)\.([^.+]+)\+?$/.exec(selector);
  if (!m) return undefined;
  return Object.values(manifest.sources).find((s) => s.sourceName === m[1] && s.name === m[2])?.uniqueId;
}

/** The arrivals a run covered: none for a console or scheduled run (nothing landed to measure from). */
export function coveredArrivals(trigger: TriggerWithArrivals, manifest: Manifest): CoveredArrival[] {
  if (trigger.kind === 'arrival' && trigger.arrivalId) {
    return [{ id: trigger.arrivalId, loader: trigger.loader, ...(trigger.connector ? { connector: trigger.connector } : {}), landedAt: trigger.arrivedAt, sources: trigger.routedSources }];
  }
  return (trigger.arrivals ?? []).map((a) => ({
    id: a.id,
    loader: a.loader,
    ...(a.connector ? { connector: a.connector } : {}),
    landedAt: a.landedAt,
    sources: [...new Set(a.select.map((s) => sourceOfSelector(manifest, s)).filter((s): s is string => s !== undefined))],
  }));
}
