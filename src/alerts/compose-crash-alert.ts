/**
 * The email for a transform run that crashed — a task failed for a reason that is not a model or a test
 * (a Lambda timeout or out-of-memory, AccessDenied, the warehouse unreachable, a bug): which state, the
 * error and its cause, how far the run got, and what to do (Redrive resumes; New execution replays).
 */
import { MAX_SUBJECT_CHARACTERS, toSingleLine, truncateBlock, truncateCharacters } from './email-limits';
import { stepFunctionsConsoleUrl } from './compose-run-failure-alert';
import type { AlertEmail } from './run-failure-report';

export interface RunCrashReport {
  project?: string;
  executionArn: string;
  executionName: string;
  region: string;
  /** The Task state that failed (PlanRun, AdvanceRun, PublishAlert). */
  state: string;
  error: string;
  cause?: string;
  /** How far the run got, when its state could be read. */
  progress?: { nodes: number; finished: number; failed: number; skipped: number; running: number };
  /** The local CLI's way to replay, shown after the AWS commands. */
  replayHint?: string;
}

const MAX_CAUSE_BYTES = 32 * 1024;

/**
 * @example
 * composeCrashAlert({ executionArn, executionName: 'r1', region: 'us-east-1', state: 'AdvanceRun', error: 'Lambda.Unknown', cause: 'Task timed out after 60.00 seconds' });
 * // { subject: '[landfall] run crashed in AdvanceRun: Lambda.Unknown (run r1)', body: … }
 */
export function composeCrashAlert(report: RunCrashReport): AlertEmail {
  const project = toSingleLine(report.project ?? 'landfall');
  const state = toSingleLine(report.state);
  const error = toSingleLine(report.error);
  const subject = truncateCharacters(`[${project}] run crashed in ${state}: ${error} (run ${toSingleLine(report.executionName).slice(0, 16)})`, MAX_SUBJECT_CHARACTERS);
  const cause = formatCause(report.cause);
  const stateMachineArn = report.executionArn.replace(/:execution:([^:]+):[^:]+$/, ':stateMachine:$1');
  const p = report.progress;
  const lines = [
    `The transform run ${toSingleLine(report.executionName)} crashed in the state ${state} and stopped.`,
    'Models that were not built yet stay as they were until the run is resumed or replayed.',
    '',
    `State:  ${state}`,
    `Error:  ${error}`,
    'Cause:',
    '',
    ...cause.split('\n').map((line) => (line ? `    ${line}` : line)),
    '',
    p ? `Progress when it stopped: ${p.finished} of ${p.nodes} nodes finished (${p.failed} failed, ${p.skipped} skipped), ${p.running} statements in flight.`
      : 'Progress when it stopped: unknown (the run had not stored its state yet, or it could not be read).',
    '',
    'WHAT TO DO',
    `  1. Find the cause: the error above, the logs of the ${state} function, and the execution:`,
    `       ${stepFunctionsConsoleUrl(report.region, report.executionArn)}`,
    '  2. Fix it (a timeout: raise the function timeout or lower the settle window; AccessDenied: the role;',
    '     an unreachable warehouse: wait for it or fix the network).',
    '  3. Resume the run: Redrive the execution (console: Redrive, within 14 days). It restarts at the failed',
    '     step and rebuilds only the failed, skipped and unfinished models and tests of this run:',
    `       aws stepfunctions redrive-execution --region ${report.region} --execution-arn ${report.executionArn}`,
    '     Or replay the whole run: New execution with the same input:',
    `       aws stepfunctions start-execution --region ${report.region} --state-machine-arn ${stateMachineArn} \\`,
    `         --input "$(aws stepfunctions describe-execution --region ${report.region} --execution-arn ${report.executionArn} --query input --output text)"`,
  ];
  if (report.replayHint) lines.push('     Locally:', `       ${toSingleLine(report.replayHint)}`);
  return { subject, body: `${lines.join('\n')}\n` };
}

/** Lambda's Cause is often JSON (`{"errorMessage": …, "errorType": …, "stackTrace": […]}`): show it readably. */
function formatCause(cause: string | undefined): string {
  if (!cause?.trim()) return '(no cause given)';
  let text = cause.trim();
  try {
    const parsed = JSON.parse(text) as { errorType?: string; errorMessage?: string; stackTrace?: string[]; trace?: string[] };
    if (parsed && typeof parsed === 'object' && (parsed.errorMessage || parsed.errorType)) {
      const head = `${parsed.errorType ?? 'Error'}: ${parsed.errorMessage ?? ''}`;
      // Node's trace starts with the same "Type: message" line.
      const trace = (parsed.stackTrace ?? parsed.trace ?? []).filter((line, i) => i > 0 || line !== head).slice(0, 15);
      text = [head, ...trace].join('\n');
    }
  } catch {
    // not JSON: shown as it is
  }
  return truncateBlock(text, MAX_CAUSE_BYTES, 'see the execution in the Step Functions console');
}
