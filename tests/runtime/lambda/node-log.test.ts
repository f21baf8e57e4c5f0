/** AdvanceRun's per-node log lines: Powertools JSON a Logs Insights query can filter by execution and node. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { RunNode } from '../../../src/engine';
import { logRunEvents } from '../../../src/runtime/lambda/node-log';

function captured(run: (logger: Logger) => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) => jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)));
  try {
    run(new Logger({ serviceName: 'landfall' }));
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('per-node log lines', () => {
  it('logs a started and a finished line with the execution, node, status, duration, rows and test failures', () => {
    const model = { id: 'model.p.orders', kind: 'model', name: 'orders', dependsOn: [], status: 'success', rows: 12 } as RunNode;
    const tests = { id: 'tests:model.p.orders', kind: 'tests', name: 'orders', dependsOn: [], status: 'fail', tests: [{ id: 't1', name: 'unique_orders_id', status: 'fail', failures: 3 }, { id: 't2', name: 'not_null_orders_id', status: 'pass', failures: 0 }] } as RunNode;
    const lines = captured((logger) => {
      const log = logRunEvents(logger, { name: 'arrivals-1' });
      log({ type: 'node_started', node: { ...model, status: 'running' }, index: 1, total: 2 });
      log({ type: 'node_finished', node: model, index: 1, total: 2, durationMs: 840 });
      log({ type: 'node_finished', node: tests, index: 2, total: 2, durationMs: 120 });
    });
    expect(lines.map((l) => [l.message, l.level])).toEqual([['node started', 'INFO'], ['node finished', 'INFO'], ['node finished', 'WARN']]);
    expect(lines[1]).toMatchObject({ service: 'landfall', execution: 'arrivals-1', node: 'model.p.orders', kind: 'model', status: 'success', durationMs: 840, rows: 12 });
    expect(lines[2]).toMatchObject({ execution: 'arrivals-1', status: 'fail', failures: 3, tests: [{ name: 'unique_orders_id', status: 'fail', failures: 3 }, { name: 'not_null_orders_id', status: 'pass', failures: 0 }] });
  });
});
