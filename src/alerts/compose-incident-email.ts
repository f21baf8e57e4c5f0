/**
 * The emails of the incident rules (src/incidents): one per run or check at most, plus the reminder and the digest.
 *
 * - `alert`: new failures grouped by root cause (a failing model or the model whose tests failed, with what was
 *   not built because of it), each with its evidence (error or masked sample rows, the SQL to reproduce it); then
 *   what resolved and what is still open.
 * - `reminder`: every open error-level incident, since when, how many failed checks, its owner.
 * - `digest`: warn-level incidents open and resolved since the last digest.
 */
import type { Incident, Notice } from '../incidents/incident';
import { causeOf, DETAIL_LEVELS, executionSection, failureDetailLines, failureTitle, groupByCause, incidentLine, plural } from './compose-run-failure-alert';
import { MAX_BODY_BYTES, MAX_SUBJECT_CHARACTERS, toSingleLine, truncateCharacters } from './email-limits';
import { renderHtml, renderText, type EmailDocument, type EmailItem, type EmailSection } from './email-document';
import type { FailedNode, IncidentLine, RunFailureReport } from './run-failure-report';
import { stepFunctionsConsoleUrl } from './compose-run-failure-alert';

export interface NoticeContext {
  project: string;
  region: string;
  /** The run that produced the notice, with every failure (sample rows already masked). */
  report?: RunFailureReport;
  /** What ran, when there is no run report: `scheduled source freshness check`. */
  checkLabel?: string;
  executionArn?: string;
  runPageUrl?: string;
  /** When `runPageUrl` stops working (a pre-signed docs-site link, src/docs-site/publish/run-page-link.ts); stated in the email. */
  runPageExpiresAt?: Date;
  replayHint?: string;
  now: Date;
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
  document: EmailDocument;
}

/** The incident key a run failure belongs to (see src/runtime/run-observations.ts). */
export function failureKey(failure: FailedNode): string {
  return failure.kind === 'load' ? failure.nodeId : `${failure.kind}:${failure.nodeId}`;
}

export function toIncidentLine(incident: Incident): IncidentLine {
  return { kind: incident.kind, name: incident.name, since: incident.openedAt, occurrences: incident.occurrences, detail: incident.detail, owners: incident.owners, ...(incident.resolvedAt && { resolvedAt: incident.resolvedAt }) };
}

/**
 * @example
 * const { subject, text, html } = composeNoticeEmail(notice, { project: 'demo', region: 'eu-west-1', report, now: new Date() });
 */
export function composeNoticeEmail(notice: Notice, context: NoticeContext, maxBodyBytes = MAX_BODY_BYTES): ComposedEmail {
  for (const limits of DETAIL_LEVELS) {
    const document = documentOf(notice, context, limits);
    const text = renderText(document, Infinity);
    if (Buffer.byteLength(text) <= maxBodyBytes) return { subject: document.subject, text, html: renderHtml(document), document };
  }
  const document = documentOf(notice, context, DETAIL_LEVELS[DETAIL_LEVELS.length - 1]!);
  return { subject: document.subject, text: renderText(document, maxBodyBytes), html: renderHtml(document), document };
}

function documentOf(notice: Notice, context: NoticeContext, limits: (typeof DETAIL_LEVELS)[number]): EmailDocument {
  const prefix = `[${context.project}]`;
  const facts = factsOf(context);
  const links = linksOf(context);
  // How to replay a transform run (a freshness check has nothing to redrive); the console link is under links.
  const replay = context.executionArn && context.report ? executionSection({ executionArn: context.executionArn, region: context.region, replayHint: context.replayHint }) : [];
  const footer = replay.slice(Math.max(0, replay.indexOf('Replay it, once the cause is fixed:')));
  const list = (incidents: Incident[]): EmailItem[] => incidents.slice(0, limits.listedNodes).map((i) => ({ title: incidentLine(toIncidentLine(i)), lines: [] }));
  if (notice.kind === 'reminder') {
    return {
      subject: fitSubject(`${prefix} still failing: ${plural(notice.stillOpen.length, 'open incident')}`, notice.stillOpen.map((i) => i.name)),
      headline: `${plural(notice.stillOpen.length, 'incident')} still failing. This is the daily reminder; nothing new failed.`,
      facts, links, footer,
      sections: [{ title: `STILL FAILING: ${plural(notice.stillOpen.length, 'open incident')}`, tone: 'open', items: list(notice.stillOpen) }],
    };
  }
  if (notice.kind === 'digest') {
    const sections: EmailSection[] = [];
    if (notice.open.length > 0) sections.push({ title: `WARNINGS: ${plural(notice.open.length, 'open warning')} (severity: warn)`, tone: 'warning', items: list(notice.open) });
    if (notice.resolved.length > 0) sections.push({ title: `RESOLVED since the last digest: ${plural(notice.resolved.length, 'warning')}`, tone: 'resolved', items: list(notice.resolved) });
    return {
      subject: fitSubject(`${prefix} daily warnings: ${notice.open.length} open, ${notice.resolved.length} resolved`, notice.open.map((i) => i.name)),
      headline: `Daily digest of warn-level results: ${plural(notice.open.length, 'warning')} open, ${plural(notice.resolved.length, 'warning')} resolved since yesterday.`,
      facts: facts.filter(([label]) => label === 'Project'), links: [], footer: [],
      sections,
    };
  }
  const sections: EmailSection[] = [];
  const openedKeys = new Set(notice.opened.map((i) => i.key));
  const reported = (context.report?.failures ?? []).filter((f) => openedKeys.has(failureKey(f)));
  const reportedKeys = new Set(reported.map(failureKey));
  const groups = groupByCause(reported, context.report?.skipped ?? []);
  groups.forEach((group, g) => {
    const notBuilt = group.skipped.filter((n) => n.kind === 'model').map((n) => n.name);
    sections.push({
      title: `NEW FAILURE${groups.length > 1 ? ` ${g + 1} of ${groups.length}` : ''} — root cause: ${group.cause} (${plural(group.failures.length, 'failure')}${notBuilt.length ? `, ${plural(notBuilt.length, 'model')} not built because of it` : ''})`,
      tone: 'failure',
      items: [
        ...group.failures.map((failure) => ({ title: failureTitle(failure), lines: failureDetailLines(failure, limits) })),
        ...(notBuilt.length > 0 ? [{ title: `Not built because of it: ${notBuilt.slice(0, limits.listedNodes).join(', ')}${notBuilt.length > limits.listedNodes ? ` … +${notBuilt.length - limits.listedNodes}` : ''}`, lines: [] }] : []),
      ],
    });
  });
  const unreported = notice.opened.filter((i) => !reportedKeys.has(i.key));
  if (unreported.length > 0) {
    sections.push({
      title: `NEW FAILURE: ${plural(unreported.length, 'incident')}`,
      tone: 'failure',
      items: unreported.map((i) => ({ title: `${i.kind} ${i.name}${i.owners.length ? ` [owner: ${i.owners.join(', ')}]` : ''}`, lines: (i.detail ?? 'failing').split('; ') })),
    });
  }
  if (notice.resolved.length > 0) sections.push({ title: `RESOLVED: ${plural(notice.resolved.length, 'incident')} passing again`, tone: 'resolved', items: list(notice.resolved) });
  if (notice.stillOpen.length > 0) sections.push({ title: `STILL FAILING: ${plural(notice.stillOpen.length, 'open incident')} (already reported)`, tone: 'open', items: list(notice.stillOpen) });
  const newNames = [...new Set([...groups.map((g) => g.cause), ...unreported.map((i) => i.name)])];
  const subject = notice.opened.length > 0
    ? fitSubject(`${prefix} FAILING${notice.resolved.length ? ` (+${notice.resolved.length} resolved)` : ''}`, newNames)
    : fitSubject(`${prefix} RESOLVED`, notice.resolved.map((i) => i.name));
  const headline = notice.opened.length > 0
    ? `${plural(notice.opened.length, 'new failure')}${groups.length > 0 ? ` from ${plural(newNames.length, 'root cause')}` : ''}${notice.resolved.length ? `, ${notice.resolved.length} resolved` : ''}${notice.stillOpen.length ? `, ${notice.stillOpen.length} still failing` : ''}.`
    : `${plural(notice.resolved.length, 'incident')} resolved${notice.stillOpen.length ? `; ${notice.stillOpen.length} still failing` : '; nothing is failing now'}.`;
  return { subject, headline, facts, sections, links, footer };
}

function factsOf(context: NoticeContext): [string, string][] {
  const facts: [string, string][] = [['Project', context.project]];
  const report = context.report;
  if (report) {
    const { loader, connector, arrivedAt, description } = report.trigger;
    facts.push(['Run', report.runId], ['Trigger', `${connector ? `${loader} ${connector}` : loader}, arrived ${arrivedAt}${description ? ` (${description})` : ''}`]);
    facts.push(['Results', `${plural(report.passed.models, 'model')} and ${plural(report.passed.tests, 'test')} passed, ${plural(report.failures.length, 'failure')}, ${plural(report.skipped.length, 'node')} skipped`]);
  } else if (context.checkLabel) {
    facts.push(['Check', context.checkLabel]);
  }
  facts.push(['At', `${context.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`]);
  if (context.executionArn) facts.push(['Execution', context.executionArn]);
  return facts;
}

function linksOf(context: NoticeContext): { label: string; url: string }[] {
  const links: { label: string; url: string }[] = [];
  const validUntil = context.runPageExpiresAt ? ` (link valid until ${context.runPageExpiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)` : '';
  if (context.runPageUrl) links.push({ label: `The run's page${validUntil}`, url: context.runPageUrl });
  if (context.executionArn) links.push({ label: 'Step Functions console (Redrive, New execution)', url: stepFunctionsConsoleUrl(context.region, context.executionArn) });
  return links;
}

/** `prefix: a, b +3 more`, at most 99 characters on one line. */
export function fitSubject(prefix: string, names: string[]): string {
  const head = toSingleLine(prefix);
  const unique = [...new Set(names.map(toSingleLine))];
  if (unique.length === 0) return truncateCharacters(head, MAX_SUBJECT_CHARACTERS);
  for (let shown = unique.length; shown >= 1; shown--) {
    const more = unique.length - shown;
    const candidate = `${head}: ${unique.slice(0, shown).join(', ')}${more > 0 ? ` +${more} more` : ''}`;
    if ([...candidate].length <= MAX_SUBJECT_CHARACTERS) return candidate;
  }
  return truncateCharacters(`${head}: ${unique[0]}`, MAX_SUBJECT_CHARACTERS);
}

export { causeOf };
