import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArrivalLag } from '../../src/freshness-lag/arrival-lag';
import { freshnessLagDocument } from '../../src/freshness-lag/history-document';
import { lagReportLines } from '../../src/freshness-lag/lag-report';
import { readLocalFreshnessLag } from '../../src/freshness-lag/local-history-files';

const lag = (id: string, source: string, models: [string, number][], queuedMs = 30_000): ArrivalLag => ({
  id, loader: 'fivetran', landedAt: '2026-12-05T10:00:00Z', sources: [source], runStartedAt: '2026-12-05T10:00:30Z', queuedMs,
  published: models.map(([model, lagMs]) => ({ model, publishedAt: '2026-12-05T10:05:00Z', lagMs })), unpublished: [],
  lagMs: Math.max(...models.map(([, ms]) => ms)),
});

describe('landfall executions: freshness lag lines', () => {
  const arrivals = [
    lag('f:1', 'source.p.app.users', [['model.p.stg_users', 60_000], ['model.p.dim_users', 300_000]]),
    lag('f:2', 'source.p.app.users', [['model.p.stg_users', 90_000], ['model.p.dim_users', 540_000]]),
    lag('f:3', 'source.p.events.clicks', [['model.p.stg_clicks', 120_000]]),
  ];

  it('prints p50/p95/max per source and per model, worst model first, with short names', () => {
    const text = lagReportLines(arrivals, 2, 2).join('\n');
    expect(text).toMatch(/3 arrivals in 2 runs/);
    expect(text).toMatch(/every arrival \(its last model\)\s+3\s+5\.0 min\s+9\.0 min\s+9\.0 min/);
    expect(text).toMatch(/ app\.users\s+2\s+5\.0 min\s+9\.0 min\s+9\.0 min/);
    expect(text).toMatch(/per model \(worst p95 first, 2 of 3; --json lists all\):\n\s+dim_users\s+2\s+5\.0 min\s+9\.0 min/);
    expect(text).not.toMatch(/stg_users/);
    expect(lagReportLines([], 0)).toEqual([]);
  });

  it('reads the local run history documents of the listed executions only', () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lag-files-'));
    const dir = path.join(stateDir, 's3', 'bucket', 'history', 'runs', 'arrivals-1');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'freshness_lag.json'), JSON.stringify(freshnessLagDocument('arrivals-1', '2026-12-05T10:00:30Z', arrivals)));
    expect(readLocalFreshnessLag(stateDir, 'bucket', ['arrivals-1', 'console-run', '../x']).map((d) => d.execution)).toEqual(['arrivals-1']);
    fs.writeFileSync(path.join(dir, 'freshness_lag.json'), '{broken');
    expect(() => readLocalFreshnessLag(stateDir, 'bucket', ['arrivals-1'])).toThrow(/arrivals-1.freshness_lag\.json: not a freshness lag document/);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
});
