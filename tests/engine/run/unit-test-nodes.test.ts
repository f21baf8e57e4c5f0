/**
 * dbt-core runs a model's unit tests one after another and skips the rest once one fails or errors; landfall reports
 * its one-statement run of them the same way. Other tests nodes keep every outcome.
 */
import { asDbtRunsUnitTests } from '../../../src/engine/run/unit-test-nodes';
import type { RunNode, TestResult } from '../../../src/engine/run/run-state';

const results = (...statuses: TestResult['status'][]): TestResult[] => statuses.map((status, i) => ({ id: `unit_test.p.m.t${i}`, name: `t${i}`, status, failures: status === 'fail' ? 2 : 0 }));
const node = (id: string): RunNode => ({ id, kind: 'tests', name: 'm', dependsOn: [], status: 'running' });

describe("a model's unit tests as dbt runs them", () => {
  it('skips the unit tests after the first that fails or errors', () => {
    expect(asDbtRunsUnitTests(node('unit_tests:model.p.m'), results('pass', 'fail', 'pass', 'error')).map((r) => [r.status, r.failures]))
      .toEqual([['pass', 0], ['fail', 2], ['skipped', 0], ['skipped', 0]]);
    expect(asDbtRunsUnitTests(node('unit_tests:model.p.m'), results('error', 'pass')).map((r) => r.status)).toEqual(['error', 'skipped']);
  });

  it('keeps every outcome when all pass, and for data tests', () => {
    expect(asDbtRunsUnitTests(node('unit_tests:model.p.m'), results('pass', 'pass')).map((r) => r.status)).toEqual(['pass', 'pass']);
    expect(asDbtRunsUnitTests(node('tests:model.p.m'), results('fail', 'pass')).map((r) => r.status)).toEqual(['fail', 'pass']);
  });
});
