/**
 * "No data from X since …": the reconciler found a loader connector silent for longer than its cadence allows
 * (Fivetran `sync_frequency`, a DMS route's `expected_every_minutes`, × 3). One email per reconciliation that finds
 * connectors crossing the threshold; it is not repeated while they stay silent.
 */
import { MAX_SUBJECT_CHARACTERS, toSingleLine, truncateCharacters } from './email-limits';
import type { AlertEmail } from './run-failure-report';

export interface SilentConnectorReport {
  project?: string;
  connectors: { loader: 'fivetran' | 'dms'; id: string; since: string; cadenceMinutes: number }[];
}

const field = (text: string, max = 200) => truncateCharacters(toSingleLine(text), max);

/**
 * @example
 * composeSilentConnectorAlert({ connectors: [{ loader: 'fivetran', id: 'wetransfer_app_db', since: '2026-12-05T02:00:00Z', cadenceMinutes: 60 }] });
 * // { subject: '[landfall] no data from wetransfer_app_db since 2026-12-05 02:00 UTC', body: '…' }
 */
export function composeSilentConnectorAlert(report: SilentConnectorReport): AlertEmail {
  const project = field(report.project ?? 'landfall', 60);
  const first = report.connectors[0]!;
  const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  const subject = truncateCharacters(
    report.connectors.length === 1
      ? `[${project}] no data from ${field(first.id, 60)} since ${when(first.since)}`
      : `[${project}] no data from ${report.connectors.length} connectors`,
    MAX_SUBJECT_CHARACTERS,
  );
  const lines = ['These loaders have delivered nothing for longer than their cadence allows:', ''];
  for (const c of report.connectors) {
    lines.push(`  ${c.loader.padEnd(8)} ${field(c.id)}   no data since ${when(c.since)} (expected every ${c.cadenceMinutes} min)`);
  }
  lines.push(
    '',
    'The models built from them are getting stale. Check the connector in its console (Fivetran dashboard, DMS task),',
    'whether it is paused or failing; landfall starts a run by itself as soon as data lands (event or reconciliation).',
  );
  return { subject, body: `${lines.join('\n')}\n` };
}
