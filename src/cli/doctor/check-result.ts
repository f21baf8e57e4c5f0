/**
 * One line of `landfall doctor`: what was checked, whether it passed, and — when it did not — the fix, in
 * words an operator can act on (a command, a console path, a link).
 */
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  /** Short name of the check, e.g. `stack outputs`, `bucket landfall-landing`. */
  check: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a failure (or why a check was skipped and how to run it). */
  fix?: string;
}

export const pass = (check: string, detail: string): CheckResult => ({ check, status: 'pass', detail });
export const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix });
export const skip = (check: string, detail: string, fix?: string): CheckResult => ({ check, status: 'skip', detail, fix });

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/** `PASS  stack outputs: …` and, for a failure or a skip with a hint, `      fix: …` below it. */
export function formatCheckResult(result: CheckResult): string {
  const line = `${LABEL[result.status].padEnd(5)} ${result.check}: ${result.detail}`;
  return result.fix ? `${line}\n      ${result.status === 'fail' ? 'fix' : 'to run it'}: ${result.fix}` : line;
}

/** The message of an AWS SDK error (name and message), for a detail line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
