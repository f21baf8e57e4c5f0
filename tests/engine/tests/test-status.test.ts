import { meetsCondition, testStatus, withTestLimit } from '../../../src/engine/tests/test-status';

describe('testStatus', () => {
  it('fails an error-severity test whose failures meet error_if', () => {
    expect(testStatus({ severity: 'error' }, 1)).toBe('fail');
    expect(testStatus({ severity: 'error', errorIf: '>2' }, 3)).toBe('fail');
  });

  it('warns when error_if does not hold but warn_if does', () => {
    expect(testStatus({ severity: 'error', errorIf: '>2', warnIf: '>1' }, 2)).toBe('warn');
    expect(testStatus({ severity: 'error', errorIf: '>5' }, 4)).toBe('warn');
  });

  it('never fails a warn-severity test', () => {
    expect(testStatus({ severity: 'warn' }, 10)).toBe('warn');
    expect(testStatus({ severity: 'warn' }, 0)).toBe('pass');
  });

  it('reads every comparison operator dbt allows', () => {
    expect([meetsCondition(3, '>=3'), meetsCondition(3, '<3'), meetsCondition(3, '==3'), meetsCondition(3, '<>3'), meetsCondition(0, '!=0')]).toEqual([true, false, true, false, false]);
  });

  it('appends limit to the test query as dbt does', () => {
    expect(withTestLimit('select 1', 5)).toBe('select 1\nlimit 5');
    expect(withTestLimit('select 1', undefined)).toBe('select 1');
  });
});
