/**
 * One structured log line per node as AdvanceRun starts and finishes it (Powertools Logger, JSON in CloudWatch
 * Logs), so a run can be followed in Logs Insights, e.g.
 *
 *   fields @timestamp, node, status, durationMs, rows, failures, error
 *   | filter message = 'node finished' and execution = 'arrivals-20261205T…'
 *   | sort @timestamp
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RunEvent } from '../../engine';

export function logRunEvents(logger: Pick<Logger, 'info' | 'warn'>, execution: { name: string }): (event: RunEvent) => void {
  return (event) => {
    const { node } = event;
    const common = { execution: execution.name, node: node.id, name: node.name, kind: node.kind, index: event.index, total: event.total };
    if (event.type === 'node_started') {
      logger.info('node started', common);
      return;
    }
    const tests = node.tests?.map((t) => ({ name: t.name, status: t.status, failures: t.failures }));
    const fields = {
      ...common,
      status: node.status,
      durationMs: event.durationMs,
      ...(node.rows !== undefined ? { rows: node.rows } : {}),
      ...(tests ? { failures: tests.reduce((sum, t) => sum + (t.status === 'pass' ? 0 : t.failures), 0), tests } : {}),
      ...(node.error ? { error: node.error } : {}),
      ...(node.skippedBecause ? { skippedBecause: node.skippedBecause } : {}),
    };
    if (node.status === 'error' || node.status === 'fail') logger.warn('node finished', fields);
    else logger.info('node finished', fields);
  };
}
