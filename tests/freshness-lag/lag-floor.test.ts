/**
 * The simulator's floor (bench/support/freshness-lag-floor.ts): the best lag an arrival could have, from the
 * generated project's modelled build times.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { arrivalFloorsMs, criticalPathMs, stagingModelOf } from '../../bench/support/freshness-lag-floor';
import { generateFreshnessLagProject } from '../../bench/support/freshness-lag-project';

const COSTS = { minStatementMs: 200, commitMs: 1000 };

describe('critical path of a downstream closure', () => {
  const dag = {
    stg: { parents: [], buildMs: 1000 },
    short: { parents: ['stg'], buildMs: 100 }, // below the least statement time: 200
    long: { parents: ['stg'], buildMs: 30_000 },
    mart: { parents: ['short', 'long'], buildMs: 5000 },
    other: { parents: [], buildMs: 90_000 },
  };
  it('takes the longest chain below the model, each model its time (at least the least statement time) plus a commit', () => {
    expect(criticalPathMs(dag, 'stg', COSTS)).toBe(2000 + 31_000 + 6000);
    expect(criticalPathMs(dag, 'short', COSTS)).toBe(1200 + 6000);
    expect(criticalPathMs(dag, 'other', COSTS)).toBe(91_000);
  });
  it('refuses a model the project does not have', () => {
    expect(() => criticalPathMs(dag, 'nope', COSTS)).toThrow('no model nope');
  });
  it('adds the window to every arrival, and a COPY to the Firehose objects a load node copies', () => {
    const simple = { stg_app_03: { parents: [], buildMs: 1000 }, stg_stream: { parents: [], buildMs: 1000 } };
    expect(arrivalFloorsMs([{ atMs: 0, loader: 'fivetran', index: 3 }, { atMs: 5, loader: 's3', index: 0 }], simple, 60_000, COSTS)).toEqual([62_000, 63_200]);
  });
});

describe('the simulated project', () => {
  it('names the staging model of every loader the schedule sends, and a mart chain is minutes long', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-lag-floor-'));
    try {
      const { dag } = generateFreshnessLagProject(dir, 57);
      for (const arrival of [{ loader: 'fivetran', index: 39 }, { loader: 'dms', index: 2 }, { loader: 's3', index: 0 }] as const) {
        expect(dag[stagingModelOf(arrival)]).toBeDefined();
      }
      // stg view, then int, agg and mart layers: at least one table somewhere below most connectors.
      const floor = criticalPathMs(dag, 'stg_app_00', COSTS);
      expect(floor).toBeGreaterThan(60_000);
      expect(floor).toBeLessThan(10 * 60_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
