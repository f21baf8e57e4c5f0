/**
 * Composes the plain-text alert email for a failed transform run: a one-line summary, each failure
 * (what failed and where, the database's error or the failing rows, the SQL to reproduce it), the
 * skipped downstream nodes, and how to find and replay the execution.
 *
 * The body must fit SNS's 256 KB message limit. When it does not, it is composed again with tighter
 * limits (SQL and error text cut with a note, fewer failures in detail, shorter lists); as a last
 * resort the text is cut at the byte budget with a note.
 */
import { MAX_BODY_BYTES, MAX_SUBJECT_CHARACTERS, toSingleLine, truncateBlock, truncateCharacters, truncateUtf8 } from './email-limits';
import type { AlertEmail, FailedNode, IncidentLine, LoadFailure, ModelFailure, RunFailureReport, SkippedNode, TestFailure } from './run-failure-report';
import { formatTextTable } from './text-table';

export interface ComposeOptions {
  /** Budget for the body in UTF-8 bytes; default 262,144 (SNS's limit). */
  maxBodyBytes?: number;
}

/** Sample rows shown per failing test. */
export const MAX_SAMPLE_ROWS = 5;

/** How much detail one composition allows; tried from the most generous down. */
export interface DetailLimits {
  sqlBytes: number;
  errorBytes: number;
  cellWidth: number;
  detailedFailures: number;
  listedNodes: number;
}

export const DETAIL_LEVELS: DetailLimits[] = [
  { sqlBytes: Infinity, errorBytes: Infinity, cellWidth: 40, detailedFailures: Infinity, listedNodes: Infinity },
  { sqlBytes: 16_000, errorBytes: 8_000, cellWidth: 40, detailedFailures: 200, listedNodes: 1_000 },
  { sqlBytes: 2_000, errorBytes: 2_000, cellWidth: 30, detailedFailures: 50, listedNodes: 200 },
  { sqlBytes: 400, errorBytes: 500, cellWidth: 20, detailedFailures: 10, listedNodes: 50 },
];

const RULE = '='.repeat(78);
const THIN_RULE = '-'.repeat(78);

/**
 * @example
 * const { subject, body } = composeRunFailureAlert(report);
 * await sns.send(new PublishCommand({ TopicArn, Subject: subject, Message: body }));
 */
export function composeRunFailureAlert(report: RunFailureReport, options: ComposeOptions = {}): AlertEmail {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const subject = composeSubject(report);
  for (const limits of DETAIL_LEVELS) {
    const body = composeBody(report, limits);
    if (Buffer.byteLength(body, 'utf8') <= maxBodyBytes) return { subject, body };
  }
  const note = '\n\n[… alert truncated to fit the email size limit; see the execution in the Step Functions console]\n';
  const tightest = composeBody(report, DETAIL_LEVELS[DETAIL_LEVELS.length - 1]);
  return { subject, body: truncateUtf8(tightest, maxBodyBytes - Buffer.byteLength(note, 'utf8')) + note };
}

/**
 * `[landfall] 1 test failed: stg_app__transfers (run 5b9c4189-c44d)`: what failed and where first, so it
 * survives a mail client's truncation; at most 99 characters, one line. Tests are named by their model.
 */
export function composeSubject(report: RunFailureReport): string {
  const tests = report.failures.filter((node) => node.kind === 'test').length;
  const loads = report.failures.filter((node) => node.kind === 'load').length;
  const models = report.failures.length - tests - loads;
  const counts = [loads ? plural(loads, 'load') : '', models ? plural(models, 'model') : '', tests ? plural(tests, 'test') : ''].filter(Boolean).join(', ') || 'run';
  const head = toSingleLine(`[${report.project ?? 'landfall'}] ${counts} failed`);
  const tail = ` (run ${toSingleLine(report.runId.slice(0, 16))})`;
  const names = [...new Set(report.failures.map((node) => toSingleLine(node.kind === 'test' ? node.model : node.kind === 'load' ? node.source : node.name)))];
  // Name as many failing models as fit; say how many more there are.
  for (let shown = names.length; shown >= 1; shown--) {
    const more = names.length - shown;
    const candidate = `${head}: ${names.slice(0, shown).join(', ')}${more > 0 ? ` +${more} more` : ''}${tail}`;
    if ([...candidate].length <= MAX_SUBJECT_CHARACTERS) return candidate;
  }
  return truncateCharacters(`${head}: ${names[0] ?? ''}`, MAX_SUBJECT_CHARACTERS);
}

function composeBody(report: RunFailureReport, limits: DetailLimits): string {
  const sections = [
    summaryLine(report),
    '',
    `Trigger:   ${describeTrigger(report)}`,
    `Execution: ${report.executionArn}`,
    '',
    ...failureSections(report.failures, limits, report.skipped),
    ...skippedSection(report.skipped, limits),
    ...incidentSections(report, limits),
    ...executionSection(report),
  ];
  return `${sections.join('\n')}\n`;
}

function summaryLine(report: RunFailureReport): string {
  const failedTests = report.failures.filter((node) => node.kind === 'test').length;
  const failedLoads = report.failures.filter((node) => node.kind === 'load').length;
  const failedModels = report.failures.length - failedTests - failedLoads;
  const skippedModels = report.skipped.filter((node) => node.kind === 'model').length;
  const skippedTests = report.skipped.filter((node) => node.kind === 'test').length;
  const loads = failedLoads ? `${plural(failedLoads, 'load')}, ` : '';
  return (
    `Run ${toSingleLine(report.runId)} failed: ${loads}${plural(failedModels, 'model')} and ${plural(failedTests, 'test')} failed, ` +
    `${plural(skippedModels, 'model')} and ${plural(skippedTests, 'test')} skipped, ` +
    `${plural(report.passed.models, 'model')} and ${plural(report.passed.tests, 'test')} passed.`
  );
}

function describeTrigger(report: RunFailureReport): string {
  const { loader, connector, arrivedAt, description } = report.trigger;
  const source = connector ? `${loader} ${connector}` : loader;
  return toSingleLine(`${source}, arrived ${arrivedAt}${description ? ` (${description})` : ''}`);
}

/** The root cause a failure belongs to: the model its tests check, the model itself, the source a load fills. */
export function causeOf(failure: FailedNode): string {
  return failure.kind === 'test' ? failure.model : failure.kind === 'load' ? failure.source : failure.name;
}

/** Failures grouped by root cause (first-seen order), each group with what was skipped because of it. */
export function groupByCause(failures: FailedNode[], skipped: SkippedNode[] = []): { cause: string; failures: FailedNode[]; skipped: SkippedNode[] }[] {
  const groups = new Map<string, { cause: string; failures: FailedNode[]; skipped: SkippedNode[] }>();
  for (const failure of failures) {
    const cause = causeOf(failure);
    const group = groups.get(cause) ?? { cause, failures: [], skipped: [] };
    group.failures.push(failure);
    groups.set(cause, group);
  }
  for (const node of skipped) {
    const cause = node.cause?.replace(/^tests of /, '');
    if (cause !== undefined) groups.get(cause)?.skipped.push(node);
  }
  return [...groups.values()];
}

function failureSections(failures: FailedNode[], limits: DetailLimits, skipped: SkippedNode[] = []): string[] {
  const groups = groupByCause(failures, skipped);
  const ordered = groups.flatMap((g) => g.failures);
  const detailed = ordered.slice(0, limits.detailedFailures);
  const lines: string[] = [];
  let index = 0;
  groups.forEach((group, g) => {
    const shown = group.failures.filter((f) => detailed.includes(f));
    if (shown.length === 0) return;
    if (groups.length > 1 || group.failures.length > 1 || group.skipped.length > 0) {
      const skippedModels = group.skipped.filter((n) => n.kind === 'model');
      const because = skippedModels.length > 0 ? `; not built because of it: ${listNames(skippedModels.map((n) => n.name), 8)}` : '';
      lines.push(toSingleLine(`### ROOT CAUSE ${g + 1} of ${groups.length}: ${group.cause} (${plural(group.failures.length, 'failure')}${because})`), '');
    }
    for (const failure of shown) {
      index++;
      lines.push(RULE, `FAILURE ${index} of ${failures.length}: ${failureTitle(failure)}`, RULE);
      lines.push(...failureDetailLines(failure, limits), '');
    }
  });
  const rest = ordered.slice(detailed.length);
  if (rest.length > 0) {
    lines.push(THIN_RULE, `${rest.length.toLocaleString('en-US')} more failures (details left out to keep this email small):`);
    lines.push(...listNodes(rest, limits.listedNodes, (node) => `${failureTitle(node)} (${node.file})`), '');
  }
  return lines;
}

/** What failed and the evidence: the database's error or the failing rows, and how to reproduce it. */
export function failureDetailLines(failure: FailedNode, limits: DetailLimits = DETAIL_LEVELS[0]!): string[] {
  return failure.kind === 'model' ? modelFailureLines(failure, limits)
    : failure.kind === 'load' ? loadFailureLines(failure, limits)
      : testFailureLines(failure, limits);
}

function listNames(names: string[], max: number): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} +${names.length - max} more` : names.join(', ');
}

/** RESOLVED and STILL FAILING: the incidents this run closed, and those still open (src/incidents). */
function incidentSections(report: RunFailureReport, limits: DetailLimits): string[] {
  if (!report.incidents) return [];
  const lines: string[] = [];
  const { resolved, stillOpen } = report.incidents;
  if (resolved.length > 0) {
    lines.push(RULE, `RESOLVED: ${plural(resolved.length, 'incident')} passing again`, RULE);
    lines.push(...listNodes(resolved, limits.listedNodes, incidentLine), '');
  }
  if (stillOpen.length > 0) {
    lines.push(RULE, `STILL FAILING: ${plural(stillOpen.length, 'open incident')} (already reported)`, RULE);
    lines.push(...listNodes(stillOpen, limits.listedNodes, incidentLine), '');
  }
  return lines;
}

/** `test not_null_x — failing since 2026-12-02 06:00 UTC (5 runs): 3 failing rows [owner: finance]` */
export function incidentLine(incident: IncidentLine): string {
  const since = incident.since.slice(0, 16).replace('T', ' ');
  const span = incident.resolvedAt ? `failed from ${since} to ${incident.resolvedAt.slice(0, 16).replace('T', ' ')} UTC` : `failing since ${since} UTC`;
  const owners = incident.owners.length > 0 ? ` [owner: ${incident.owners.join(', ')}]` : '';
  return toSingleLine(`${incident.kind} ${incident.name} — ${span} (${plural(incident.occurrences, 'failed check')})${incident.detail ? `: ${incident.detail}` : ''}${owners}`);
}

export function failureTitle(failure: FailedNode): string {
  if (failure.kind === 'load') return toSingleLine(`load of ${failure.source} (${plural(failure.objects, 'object')})`);
  return toSingleLine(failure.kind === 'model' ? `model ${failure.name}` : `test ${failure.name} on model ${failure.model}`);
}

/** A load has no compiled SQL of its own to reproduce: the email names the table its COPY writes into. */
function loadFailureLines(failure: LoadFailure, limits: DetailLimits): string[] {
  return [
    ...locationLines(failure),
    `COPY into: ${toSingleLine(failure.copyTarget)}`,
    '',
    `The database refused the COPY of ${plural(failure.objects, 'landed object')}:`,
    '',
    indent(truncateBlock(failure.error, limits.errorBytes, 'see the execution history for the full error')),
    '',
    'The COPY and its load-ledger rows are one transaction: nothing of this batch was loaded, and a redrive or',
    'replay loads it once the cause is fixed. On Redshift, SYS_LOAD_ERROR_DETAIL names the object and line refused.',
  ];
}

function modelFailureLines(failure: ModelFailure, limits: DetailLimits): string[] {
  return [
    ...locationLines(failure),
    'The database refused the model\'s SQL:',
    '',
    indent(truncateBlock(failure.error, limits.errorBytes, 'see the execution history for the full error')),
    '',
    ...reproduceLines(failure, limits),
  ];
}

function testFailureLines(failure: TestFailure, limits: DetailLimits): string[] {
  if (failure.error !== undefined) {
    return [
      ...locationLines(failure),
      'The test could not run; the database refused its SQL:',
      '',
      indent(truncateBlock(failure.error, limits.errorBytes, 'see the execution history for the full error')),
      '',
      ...reproduceLines(failure, limits),
    ];
  }
  const sample = failure.sampleRows.rows.slice(0, MAX_SAMPLE_ROWS);
  const shown = sample.length < failure.failures ? ` (first ${sample.length} shown)` : '';
  const lines = [...locationLines(failure), `${plural(failure.failures, 'failing row')}${shown}:`, ''];
  if (sample.length > 0) {
    lines.push(indent(formatTextTable({ columns: failure.sampleRows.columns, rows: sample }, { maxCellWidth: limits.cellWidth })));
  } else {
    lines.push('    (no sample rows were captured)');
  }
  return [...lines, '', ...reproduceLines(failure, limits)];
}

function locationLines(failure: FailedNode): string[] {
  return [`File:  ${toSingleLine(failure.file)}`, `Node:  ${toSingleLine(failure.nodeId)}`, ''];
}

function reproduceLines(failure: ModelFailure | TestFailure, limits: DetailLimits): string[] {
  const where = `the full SQL is compiled from ${failure.file}`;
  return ['Reproduce it with this compiled SQL:', '', indent(truncateBlock(failure.compiledSql.trimEnd(), limits.sqlBytes, where))];
}

function skippedSection(skipped: SkippedNode[], limits: DetailLimits): string[] {
  if (skipped.length === 0) return [];
  const models = skipped.filter((node) => node.kind === 'model');
  const tests = skipped.filter((node) => node.kind === 'test').length;
  const lines = [RULE, `SKIPPED: ${plural(models.length, 'downstream model')} not built, ${plural(tests, 'test')} not run`, RULE];
  lines.push(...listNodes(models, limits.listedNodes, (node) => `${node.name} (${node.nodeId})`));
  return [...lines, ''];
}

function listNodes<T>(nodes: T[], max: number, describe: (node: T) => string): string[] {
  const lines = nodes.slice(0, max).map((node) => `  - ${toSingleLine(describe(node))}`);
  if (nodes.length > max) lines.push(`  … and ${(nodes.length - max).toLocaleString('en-US')} more`);
  return lines;
}

export function executionSection(report: Pick<RunFailureReport, 'executionArn' | 'region' | 'replayHint' | 'runPageUrl'>): string[] {
  const stateMachineArn = report.executionArn.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');
  const lines = [
    RULE,
    'EXECUTION',
    RULE,
    ...(report.runPageUrl ? ['The run\'s page (every model and test, timings, logs):', `  ${report.runPageUrl}`, ''] : []),
    'Open it in the Step Functions console:',
    `  ${stepFunctionsConsoleUrl(report.region, report.executionArn)}`,
    '',
    'Replay it, once the cause is fixed:',
    '  Resume from the failed step (same input; within 14 days of the failure):',
    `    aws stepfunctions redrive-execution --region ${report.region} --execution-arn ${report.executionArn}`,
    '  Or start a new run with the same input (the console\'s "New execution" on the execution page pre-fills it):',
    `    aws stepfunctions start-execution --region ${report.region} --state-machine-arn ${stateMachineArn} \\`,
    `      --input "$(aws stepfunctions describe-execution --region ${report.region} --execution-arn ${report.executionArn} --query input --output text)"`,
  ];
  if (report.replayHint) lines.push('  Locally:', `    ${toSingleLine(report.replayHint)}`);
  return lines;
}

/** `https://{region}.console.aws.amazon.com/states/home?region={region}#/v2/executions/details/{executionArn}` */
export function stepFunctionsConsoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `    ${line}` : line))
    .join('\n');
}

export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
