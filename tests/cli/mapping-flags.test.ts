/** `--vars` and `--args`: one reading of a YAML/JSON mapping flag, errors naming the flag. */
import { UsageError, parseMappingFlag, parseVars } from '../../src/cli/options';
import { parseOperationArgs } from '../../src/cli/run-operation-command';

describe('mapping flags', () => {
  it('read YAML and JSON mappings with their types; absent or blank is {}', () => {
    expect(parseVars('{lookback_days: 3, region: eu, on: true, days: [1, 2]}')).toEqual({ lookback_days: 3, region: 'eu', on: true, days: [1, 2] });
    expect(parseOperationArgs('{"table": "orders"}')).toEqual({ table: 'orders' });
    expect(parseVars(undefined)).toEqual({});
    expect(parseOperationArgs('  ')).toEqual({});
  });

  it('refuse a list, a scalar and broken YAML, naming the flag and giving an example', () => {
    expect(() => parseOperationArgs('[1, 2]')).toThrow(/^--args must be a mapping of names to values .*e\.g\. --args '\{table: orders, days: 3\}'; got \[1, 2\]$/);
    expect(() => parseVars('5')).toThrow(/^--vars must be a mapping/);
    expect(() => parseVars('{a: [')).toThrow(UsageError);
    expect(() => parseMappingFlag('--x', '{a: [', '{a: 1}')).toThrow(/^--x is not valid YAML: .*; e\.g\. --x '\{a: 1\}'$/);
  });
});
