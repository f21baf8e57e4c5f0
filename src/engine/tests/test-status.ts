import type { TestNode } from '../manifest';

/** `failures <op> threshold`, for dbt's `error_if`/`warn_if` strings such as `>10` or `!=0`. */
export function meetsCondition(failures: number, condition: string): boolean {
  const match = /^(==|!=|<>|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)$/.exec(condition.trim());
  if (!match) return failures !== 0;
  const threshold = Number(match[2]);
  switch (match[1]) {
    case '==': return failures === threshold;
    case '!=': case '<>': return failures !== threshold;
    case '>=': return failures >= threshold;
    case '<=': return failures <= threshold;
    case '>': return failures > threshold;
    default: return failures < threshold;
  }
}

/**
 * A test's status from its failure count, as dbt decides it: `fail` when the severity is `error` and
 * `error_if` holds, else `warn` when `warn_if` holds, else `pass` (both conditions default to `!=0`).
 *
 * @example
 * testStatus({ severity: 'error', errorIf: '>2' }, 2) // 'warn' (warn_if defaults to '!=0')
 */
export function testStatus(test: Pick<TestNode, 'severity' | 'errorIf' | 'warnIf'>, failures: number): 'pass' | 'warn' | 'fail' {
  if (test.severity === 'error' && meetsCondition(failures, test.errorIf ?? '!=0')) return 'fail';
  if (meetsCondition(failures, test.warnIf ?? '!=0')) return 'warn';
  return 'pass';
}

/** A test's SQL with dbt's `limit` applied the way dbt applies it (appended to the test query). */
export function withTestLimit(sql: string, limit: number | undefined): string {
  return limit === undefined ? sql : `${sql}\nlimit ${limit}`;
}
