import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { freshnessQuery, freshnessStatus, gradeFreshness, hasFreshness, parseWarehouseTimestamp } from '../../../src/engine/freshness/freshness';
import { formatFreshness, freshnessJson } from '../../../src/cli/freshness-command';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };
const manifest = compileManifest({
  root: '/nowhere', project: { name: 'p' }, models: [], singularTests: [], macros: [], seeds: [],
  properties: [{
    file: 'models/_sources.yml',
    content: {
      sources: [{
        name: 'raw', schema: 'landing', loaded_at_field: '_synced_at',
        freshness: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' } },
        tables: [
          { name: 'users' },
          { name: 'events', loaded_at_field: 'received_at', freshness: { error_after: { count: 2, period: 'hour' }, filter: "kind = 'new'" } },
          { name: 'static', freshness: null },
        ],
      }],
    },
  }],
} as unknown as ProjectFiles, { target });
const source = (name: string) => manifest.sources[`source.p.raw.${name}`]!;

describe('source freshness', () => {
  it("merges a table's freshness keys over its source's, and turns the check off with freshness: null", () => {
    expect(source('events').loadedAtField).toBe('received_at');
    expect(source('events').freshness).toEqual({ warn_after: { count: 1, period: 'hour' }, error_after: { count: 2, period: 'hour' }, filter: "kind = 'new'" });
    expect(hasFreshness(source('users'))).toBe(true);
    expect(hasFreshness(source('static'))).toBe(false);
  });

  it('queries the newest load time and the warehouse clock in UTC, with the filter', () => {
    expect(freshnessQuery(source('events'), 'postgres')).toBe(
      `select cast(max(received_at) as varchar) as max_loaded_at, cast((now() at time zone 'utc') as varchar) as snapshotted_at from "landing"."events" where kind = 'new'`,
    );
    expect(freshnessQuery(source('users'), 'redshift')).toContain('cast(getdate() as varchar)');
  });

  it('grades error over warn, and an age equal to a threshold as within it', () => {
    const criteria = source('users').freshness!;
    expect(freshnessStatus(criteria, 3600)).toBe('pass');
    expect(freshnessStatus(criteria, 3601)).toBe('warn');
    expect(freshnessStatus(criteria, 86401)).toBe('error');
  });

  it('reads naive timestamps as UTC and honours offsets', () => {
    expect(parseWarehouseTimestamp('2024-01-01 10:00:00.5').toISOString()).toBe('2024-01-01T10:00:00.500Z');
    expect(parseWarehouseTimestamp('2024-01-01 10:00:00+02').toISOString()).toBe('2024-01-01T08:00:00.000Z');
    expect(parseWarehouseTimestamp('2024-01-01').toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });

  it('grades a table from its row, and a table without rows as a runtime error', () => {
    const graded = gradeFreshness(source('users'), '2024-01-01 10:00:00', '2024-01-01 12:00:00');
    expect(graded).toMatchObject({ status: 'warn', ageSeconds: 7200, maxLoadedAt: '2024-01-01T10:00:00.000Z' });
    expect(gradeFreshness(source('users'), null, '2024-01-01 12:00:00').status).toBe('runtime error');
  });

  it("prints dbt's lines and totals, and dbt's sources.json fields", () => {
    const results = [
      gradeFreshness(source('users'), '2024-01-01 11:30:00', '2024-01-01 12:00:00'),
      gradeFreshness(source('events'), '2024-01-01 08:00:00', '2024-01-01 12:00:00'),
    ];
    const text = formatFreshness(results, 0.5);
    expect(text).toMatch(/^1 of 2 PASS freshness of raw\.users \.+ \[PASS\]$/m);
    expect(text).toMatch(/^2 of 2 ERROR STALE freshness of raw\.events \.+ \[ERROR STALE\]$/m);
    expect(text).toContain('Done. PASS=1 WARN=0 ERROR=1 SKIP=0 TOTAL=2');
    expect(freshnessJson(results, 0.5).results[1]).toMatchObject({ unique_id: 'source.p.raw.events', status: 'error', max_loaded_at_time_ago_in_s: 14400 });
  });
});
