/**
 * The alert for S3 objects set aside by a load (the ledger's quarantine): one email per load node, naming each
 * object's bucket, key, line, column and error, and how to load it again once it (or the table) is fixed.
 * The other objects of the batch loaded and the models downstream ran: this is news, not a failed run.
 */
import { MAX_BODY_BYTES, MAX_SUBJECT_CHARACTERS, toSingleLine, truncateCharacters, truncateUtf8 } from './email-limits';
import type { AlertEmail } from './run-failure-report';

export interface QuarantineReport {
  project?: string;
  /** The source table the objects were for, e.g. `events.product_events`, and its relation. */
  source: string;
  relation: string;
  /** What `--select` rebuilds downstream of it, e.g. `source:events.product_events+`. */
  selector: string;
  objects: { bucket: string; key: string; line?: number; column?: number; error: string; etag?: string; versionId?: string }[];
}

/** Keys and errors come from S3 and the warehouse: one line each, bounded. */
const field = (text: string, max = 300) => truncateCharacters(toSingleLine(text), max);

/**
 * @example
 * composeQuarantineAlert({ source: 'events.product_events', relation: '"raw"."product_events"', selector: 'source:events.product_events+',
 *   objects: [{ bucket: 'landfall-landing', key: 'firehose/product_events/2026/12/05/x.json', line: 3, column: 1, error: 'Invalid JSON…' }] });
 * // { subject: '[landfall] 1 S3 object quarantined: events.product_events', body: '…landfall loads retry firehose/…' }
 */
export function composeQuarantineAlert(report: QuarantineReport): AlertEmail {
  const project = field(report.project ?? 'landfall', 60);
  const count = report.objects.length;
  const subject = truncateCharacters(`[${project}] ${count} S3 object${count === 1 ? '' : 's'} quarantined: ${field(report.source, 60)}`, MAX_SUBJECT_CHARACTERS);
  const lines = [
    `${count} object${count === 1 ? '' : 's'} could not be loaded into ${field(report.relation)} and ${count === 1 ? 'was' : 'were'} set aside.`,
    'The other objects of the batch loaded and the models downstream ran on them; nothing is retried by itself.',
    '',
  ];
  for (const object of report.objects) {
    const where = object.line !== undefined ? `line ${object.line}${object.column !== undefined ? `, column ${object.column}` : ''}` : 'line unknown';
    lines.push(
      `Object:  s3://${field(object.bucket, 100)}/${field(object.key, 1024)}`,
      `Where:   ${where}`,
      `Error:   ${field(object.error, 1000)}`,
      `Retry:   npx landfall loads retry ${shellQuoted(field(object.key, 1024))}`,
      '',
    );
  }
  const retryInput = {
    command: 'build',
    select: [report.selector],
    reason: `retry of ${count} quarantined object${count === 1 ? '' : 's'}`,
    loads: report.objects.map((o) => ({ bucket: o.bucket, key: o.key, ...(o.etag !== undefined && { etag: o.etag }), ...(o.versionId !== undefined && { versionId: o.versionId }) })),
  };
  lines.push(
    'Fix the object (or the table), then load it again: the command above on a machine with the deployment',
    'configured, or start the transform state machine (Step Functions console → Start execution) with this input:',
    '',
    `    ${JSON.stringify(retryInput)}`,
    '',
    'See the quarantine: npx landfall loads ls   (table landfall.load_quarantine)',
  );
  return { subject, body: truncateUtf8(`${lines.join('\n')}\n`, MAX_BODY_BYTES) };
}

/** A key as one shell word: single quotes, with embedded single quotes closed and escaped. */
function shellQuoted(text: string): string {
  return /^[A-Za-z0-9._\-/=@:+%]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
