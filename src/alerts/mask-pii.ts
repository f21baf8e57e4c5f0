/**
 * PII never leaves in an email. A test's sample rows are masked column by column when the test reads a model,
 * seed or source (its `dependsOn`) that has PII:
 *
 * - a column named like a PII column of a node the test reads (`meta.pii: true` or a `pii` tag on the column in
 *   YAML), or matching a project-wide pattern (`landfall.yml` `alerts.pii_columns`), is masked;
 * - when a node the test reads has PII, or carries the `pii` tag itself, every other column is masked too unless it
 *   is a declared, non-PII column of a node the test reads: a generic test renames its column (`unique_field`), a
 *   singular test may alias anything, and a name that cannot be traced is not trusted.
 *
 * Masking keeps what helps matching without the value: `j***@***.com` for an address, else `pii:` and a short
 * hash of the value (the same value masks the same way within the project).
 */
import { createHash } from 'node:crypto';
import type { Manifest } from '../engine';
import type { ManifestWithAlerting } from './alerting-facts';
import type { SampleCell } from './run-failure-report';

export interface PiiRule {
  /** Column names to mask (lowercase). */
  columns: Set<string>;
  patterns: RegExp[];
  /** Mask every column not in `safeColumns`. */
  maskUntraced: boolean;
  safeColumns: Set<string>;
}

/** The masking rule for one test's sample rows. */
export function piiRuleForTest(manifest: Manifest, testId: string): PiiRule {
  const m = manifest as ManifestWithAlerting;
  const test = manifest.tests[testId];
  const read = new Set([...(test?.dependsOn ?? []), ...(test ? [test.attachedTo] : [])]);
  const rule: PiiRule = { columns: new Set(), patterns: (m.alerting?.settings.alerts.pii_columns ?? []).map(globToRegExp), maskUntraced: false, safeColumns: new Set() };
  for (const id of read) {
    const facts = m.alerting?.nodes[id];
    const node = manifest.models[id] ?? manifest.seeds[id];
    const tags = node?.config.tags ?? manifest.sources[id]?.tags ?? [];
    for (const c of facts?.piiColumns ?? []) rule.columns.add(c);
    for (const c of facts?.declaredColumns ?? []) if (!facts!.piiColumns.includes(c)) rule.safeColumns.add(c);
    if ((facts?.piiColumns.length ?? 0) > 0 || tags.includes('pii')) rule.maskUntraced = true;
  }
  // A generic test on a PII column renames it: the whole row may carry it.
  if (test?.columnName && isPiiName(rule, test.columnName)) rule.maskUntraced = true;
  for (const c of rule.columns) rule.safeColumns.delete(c);
  if (rule.maskUntraced) for (const c of [...rule.safeColumns]) if (rule.patterns.some((p) => p.test(c))) rule.safeColumns.delete(c);
  return rule;
}

function isPiiName(rule: PiiRule, column: string): boolean {
  const name = column.toLowerCase();
  return rule.columns.has(name) || rule.patterns.some((p) => p.test(name));
}

/** Which of the sample's columns are masked. */
export function maskedColumns(rule: PiiRule, columns: readonly string[]): boolean[] {
  return columns.map((c) => isPiiName(rule, c) || (rule.maskUntraced && !rule.safeColumns.has(c.toLowerCase())));
}

/**
 * @example
 * maskRows(rule, { columns: ['email'], rows: [['jane@example.com']] }, 'demo') // rows: [['j***@***.com']]
 */
export function maskRows(rule: PiiRule, sample: { columns: readonly string[]; rows: ReadonlyArray<ReadonlyArray<SampleCell>> }, salt: string) {
  const masked = maskedColumns(rule, sample.columns);
  return {
    columns: sample.columns.map((c, i) => (masked[i] ? `${c} (masked)` : c)),
    rows: sample.rows.map((row) => row.map((cell, i) => (masked[i] ? maskValue(cell, salt) : cell))),
  };
}

export function maskValue(value: SampleCell, salt: string): SampleCell {
  if (value === null) return null;
  const text = String(value);
  const email = /^([^@\s])[^@\s]*@[^@\s]+?(\.[A-Za-z]{2,})?$/.exec(text);
  if (email) return `${email[1]}***@***${email[2] ?? ''}`;
  return `pii:${createHash('sha256').update(`${salt}\u0000${text}`).digest('hex').slice(0, 8)}`;
}

/** Email addresses in free text (a database error quoting a value) as `j***@***.com`. */
export function maskEmailsInText(text: string): string {
  return text.replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@[A-Za-z0-9.-]+?(\.[A-Za-z]{2,})\b/g, '$1***@***$2');
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.toLowerCase().split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}
