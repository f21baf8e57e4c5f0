/**
 * The load simulator (bench/freshness-lag.ts) at a small size, through the real local pipeline: both schedulers,
 * every arrival's lag recorded, no model built by two runs at once, statements in flight never above the bound;
 * and its overlap check itself catches an overlap.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunNode } from '../../src/engine/run/run-state';
import { executionsCommand } from '../../src/cli/stack-commands';
import { RUN_STATE_BUCKET } from '../../src/local/local-stack';
import { MODEL_DURATIONS_KEY, parseModelDurations } from '../../src/runtime/model-durations';
import { generateFreshnessLagProject } from '../../bench/support/freshness-lag-project';
import { arrivalSchedule, overlappingBuilds, simulateDay, type SimulationFigures } from '../../bench/support/freshness-lag-simulation';

const REPO = path.resolve(__dirname, '..', '..');
const BOUND = 16; // statements in flight across runs (src/runtime/coalesce/arrival-settings.ts default)

describe('arrival schedule', () => {
  it('has the issue\'s load: 40 connectors hourly, Firehose every 5 min, 3 DMS tasks every 6 h; 10× is ten times as many', () => {
    const day = arrivalSchedule({ hours: 24, load: 1 });
    const count = (loader: string) => day.filter((a) => a.loader === loader).length;
    expect([count('fivetran'), count('s3'), count('dms')]).toEqual([40 * 24, 288, 3 * 4]);
    expect(arrivalSchedule({ hours: 24, load: 10 }).length).toBe(10 * day.length);
    expect(day.every((a, i) => i === 0 || day[i - 1]!.atMs <= a.atMs)).toBe(true);
  });
});

describe('overlap check', () => {
  const node = (id: string, start: string, end?: string): RunNode => ({ id, kind: 'model', name: id, dependsOn: [], status: 'success', startedAt: `2026-12-05T10:${start}Z`, ...(end && { finishedAt: `2026-12-05T10:${end}Z` }) });
  it('finds a model two runs built at the same time, and not one built after the other', () => {
    expect(overlappingBuilds([
      { name: 'r1', run: { nodes: [node('model.a', '00:00', '00:10'), node('model.b', '00:00', '00:05')] } },
      { name: 'r2', run: { nodes: [node('model.a', '00:09', '00:20'), node('model.b', '00:05', '00:07')] } },
    ])).toEqual([{ model: 'model.a', runs: ['r1', 'r2'] }]);
  });

  it('ends a failed run\'s unfinished node when its run ended (EndFailedRun cancelled it), not never', () => {
    const unfinished = { nodes: [node('model.a', '00:00')] };
    const next = { name: 'r2', run: { nodes: [node('model.a', '00:09', '00:20')] } };
    expect(overlappingBuilds([{ name: 'r1', run: unfinished, endedAt: '2026-12-05T10:00:08Z' }, next])).toEqual([]);
    expect(overlappingBuilds([{ name: 'r1', run: unfinished, endedAt: '2026-12-05T10:00:10Z' }, next])).toEqual([{ model: 'model.a', runs: ['r1', 'r2'] }]);
    expect(overlappingBuilds([{ name: 'r1', run: unfinished }, next])).toEqual([{ model: 'model.a', runs: ['r1', 'r2'] }]);
  });
});

describe('a few simulated minutes through the local stack', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-lag-sim-'));
  const projectDir = path.join(root, 'project');
  const { rawTables } = generateFreshnessLagProject(projectDir, 2);
  const env = { ...process.env };
  const figures: Partial<Record<'serial' | 'dag', SimulationFigures>> = {};
  afterAll(() => {
    process.env = env;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it.each(['serial', 'dag'] as const)('%s: every arrival measured, no model built by two runs at once, in flight ≤ the bound', async (scheduler) => {
    const f = await simulateDay({ repoRoot: REPO, projectDir, rawTables, stateDir: path.join(root, scheduler), scheduler, hours: 0.05, load: 10, speed: 120, windowSeconds: 30 });
    figures[scheduler] = f;
    expect(f.arrivalsSent).toBeGreaterThan(20);
    expect(f.arrivalsMeasured).toBe(f.arrivalsSent);
    expect(f.runsFailed).toBe(0);
    expect(f.overlappingBuilds).toEqual([]);
    expect(f.maxStatementsInFlight).toBeGreaterThan(0);
    expect(f.maxStatementsInFlight).toBeLessThanOrEqual(BOUND);
    expect(f.lag.overall!.count).toBe(f.arrivalsSent);
    if (scheduler === 'serial') expect(f.maxConcurrentRuns).toBe(1);
    else expect(f.maxConcurrentRuns).toBeGreaterThan(1);
    // `landfall executions` lists the runs and their freshness lag per source and model.
    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(executionsCommand(['ls', '--state-dir', path.join(root, scheduler)])).toBe(0);
    } finally {
      write.mockRestore();
    }
    const text = out.join('');
    expect(text).toMatch(new RegExp(`Freshness lag \\(loader landed → model published\\), ${f.arrivalsSent} arrivals in ${f.runs} runs`));
    expect(text).toMatch(/per source:\n\s+app_\d\d\.records\s+\d+/);
    expect(text).toMatch(/per model \(worst p95 first/);
    // RecordRun kept what each model took (src/runtime/model-durations.ts), for the next run's priors (RunNode.priorMs).
    const durations = parseModelDurations(fs.readFileSync(path.join(root, scheduler, 's3', RUN_STATE_BUCKET, MODEL_DURATIONS_KEY), 'utf8'), 'model durations');
    expect(Object.keys(durations).filter((id) => id.startsWith('model.lagsim.stg_')).length).toBeGreaterThan(40);
  }, 240_000);
});
