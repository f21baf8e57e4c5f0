import { InvalidParameterError } from '../../../src/local/aws/errors';
import { matchesFilterPolicy, validateFilterPolicy } from '../../../src/local/aws/sns-filter-policy';

const s = (value: string) => ({ DataType: 'String', StringValue: value });
const arr = (...values: string[]) => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });
const n = (value: number) => ({ DataType: 'Number', StringValue: String(value) });

describe('SNS filter policies (MessageAttributes scope)', () => {
  it('matches exact strings, each element of a String.Array, and ANDs properties', () => {
    const policy = { owner: ['finance', 'growth'], audience: ['owner'] };
    expect(matchesFilterPolicy(policy, { owner: s('finance'), audience: s('owner') })).toBe(true);
    expect(matchesFilterPolicy(policy, { owner: arr('ops', 'growth'), audience: s('owner') })).toBe(true);
    expect(matchesFilterPolicy(policy, { owner: s('finance') })).toBe(false);
    expect(matchesFilterPolicy(policy, { owner: s('Finance'), audience: s('owner') })).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and anything-but (values, lists, prefix)', () => {
    expect(matchesFilterPolicy({ route: [{ prefix: 'tag:' }] }, { route: s('tag:pii') })).toBe(true);
    expect(matchesFilterPolicy({ route: [{ suffix: '@example.com' }] }, { route: s('a@example.com') })).toBe(true);
    expect(matchesFilterPolicy({ route: [{ 'equals-ignore-case': 'FINANCE' }] }, { route: s('finance') })).toBe(true);
    expect(matchesFilterPolicy({ kind: [{ 'anything-but': ['digest', 'reminder'] }] }, { kind: s('alert') })).toBe(true);
    expect(matchesFilterPolicy({ kind: [{ 'anything-but': 'digest' }] }, { kind: s('digest') })).toBe(false);
    expect(matchesFilterPolicy({ route: [{ 'anything-but': { prefix: 'tag:' } }] }, { route: s('tag:x') })).toBe(false);
    // anything-but needs the attribute: a message without it does not match.
    expect(matchesFilterPolicy({ kind: [{ 'anything-but': 'digest' }] }, { other: s('x') })).toBe(false);
  });

  it('compares numbers only against Number attributes, with ranges', () => {
    const policy = { failures: [{ numeric: ['>', 0, '<=', 150] }] };
    expect(matchesFilterPolicy(policy, { failures: n(3) })).toBe(true);
    expect(matchesFilterPolicy(policy, { failures: n(151) })).toBe(false);
    expect(matchesFilterPolicy(policy, { failures: s('3') })).toBe(false);
    expect(matchesFilterPolicy({ failures: [{ numeric: ['=', 301.5] }] }, { failures: { DataType: 'Number', StringValue: '3.015e2' } })).toBe(true);
  });

  it('matches exists: true on presence, exists: false on absence but never on a message without attributes', () => {
    expect(matchesFilterPolicy({ route: [{ exists: true }] }, { route: s('x') })).toBe(true);
    expect(matchesFilterPolicy({ route: [{ exists: false }] }, { audience: s('all') })).toBe(true);
    expect(matchesFilterPolicy({ route: [{ exists: false }] }, {})).toBe(false);
  });

  it('ORs the policies of $or with the other properties ANDed', () => {
    const policy = { audience: ['owner'], $or: [{ route: ['finance'] }, { tags: ['pii'] }] };
    expect(matchesFilterPolicy(policy, { audience: s('owner'), tags: arr('pii') })).toBe(true);
    expect(matchesFilterPolicy(policy, { audience: s('owner'), route: s('growth') })).toBe(false);
  });

  it('refuses policies SNS refuses: more than 5 properties, more than 150 combinations, unknown operators', () => {
    const invalid = (policy: unknown) => () => validateFilterPolicy(policy);
    expect(invalid({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] })).toThrow(InvalidParameterError);
    expect(invalid({ a: Array.from({ length: 20 }, (_, i) => `${i}`), b: Array.from({ length: 8 }, (_, i) => `${i}`) })).toThrow(/150 combinations/);
    expect(invalid({ a: [{ wildcard: 'x*' }] })).toThrow(/not supported/);
    expect(invalid({ a: [] })).toThrow(/non-empty array/);
    expect(invalid({ a: [{ numeric: ['<', 5, '>', 1] }] })).toThrow(/range/);
    expect(() => validateFilterPolicy({ audience: ['all'] })).not.toThrow();
  });
});
