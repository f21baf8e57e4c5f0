import { DEFAULT_RUN_CONCURRENCY, runConcurrencyFor } from '../../src/runtime/run-concurrency';

describe('statements in flight per run', () => {
  const redshift = { name: 'prod', type: 'redshift' as const };
  it("is the target's threads (profiles.yml), else the warehouse's default, and an override wins", () => {
    expect(runConcurrencyFor(redshift)).toBe(DEFAULT_RUN_CONCURRENCY.redshift);
    expect(DEFAULT_RUN_CONCURRENCY.redshift).toBe(16);
    expect(runConcurrencyFor({ name: 'local', type: 'postgres' })).toBe(4);
    expect(runConcurrencyFor({ ...redshift, threads: 8 })).toBe(8);
    expect(runConcurrencyFor({ ...redshift, threads: 8 }, 2)).toBe(2);
  });

  it('refuses threads a run cannot use, naming the target', () => {
    expect(() => runConcurrencyFor({ ...redshift, threads: 0 })).toThrow("profiles.yml: target 'prod' has threads: 0");
    expect(() => runConcurrencyFor({ ...redshift, threads: 500 })).toThrow('from 1 to 64');
  });
});
