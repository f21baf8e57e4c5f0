/**
 * compat.json's versioned known differences (support/known-differences.ts): which dbt-core versions a range names.
 * Runs in `npm test` (no dbt-core needed).
 */
import { applicableKnownDifferences, versionSatisfies } from './support/known-differences';

describe('Known differences by dbt-core version', () => {
  const beforeTheWildcardFix = '<1.11.16 || >=1.12.0 <1.12.6';

  it('reads alternatives (||) of comparators (<, <=, >, >=, =)', () => {
    expect(versionSatisfies('1.10.23', beforeTheWildcardFix)).toBe(true);
    expect(versionSatisfies('1.11.15', beforeTheWildcardFix)).toBe(true);
    expect(versionSatisfies('1.11.16', beforeTheWildcardFix)).toBe(false);
    expect(versionSatisfies('1.12.5', beforeTheWildcardFix)).toBe(true);
    expect(versionSatisfies('1.12.6', beforeTheWildcardFix)).toBe(false);
    expect(versionSatisfies('1.13.0', beforeTheWildcardFix)).toBe(false);
    expect(versionSatisfies('1.12.6', '=1.12.6')).toBe(true);
    expect(versionSatisfies('1.12.10', '>1.12.9 <=1.12.10')).toBe(true); // numeric, not text, order
  });

  it('refuses a range it cannot read, naming the file', () => {
    expect(() => versionSatisfies('1.12.6', '~1.12', 'p/compat.json')).toThrow("p/compat.json: cannot read '~1.12' in dbt-core range '~1.12'");
    expect(() => versionSatisfies('1.12.6', '<1.12.0 ||', 'p/compat.json')).toThrow(/empty alternative/);
  });

  it('keeps plain entries for every dbt-core and refuses an entry of another shape', () => {
    expect(applicableKnownDifferences(['[ls x] only dbt: a'], '/nonexistent/bin/dbt', 'p/compat.json')).toEqual(['[ls x] only dbt: a']);
    expect(() => applicableKnownDifferences([{ diff: 'x' } as never], '/nonexistent/bin/dbt', 'p/compat.json')).toThrow(/p\/compat.json: a knownDifferences entry must be/);
  });
});
