import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';

const REPO = path.resolve(__dirname, '../..');

it('landfall schedules ls lists the sample project\'s daily build and hourly freshness, and the rotation, with next fire times', async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-schedules-'));
  let stdout = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  try {
    expect(await main(['schedules', 'ls', '--json', '--project-dir', path.join(REPO, 'dbt'), '--state-dir', stateDir])).toBe(0);
  } finally {
    spy.mockRestore();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  const rows = JSON.parse(stdout) as { name: string; expression: string; timezone: string; next: string; declaredIn: string }[];
  expect(rows.map((r) => [r.name, r.expression, r.timezone, r.declaredIn])).toEqual([
    ['daily-build', 'cron(0 6 * * ? *)', 'Europe/Amsterdam', 'landfall.yml'],
    ['hourly-freshness', 'rate(1 hour)', 'UTC', 'landfall.yml'],
    ['rotate-partitions', 'cron(0 3 1 * ? *)', 'UTC', 'serverless/partitions.resources.yml'],
  ]);
  const daily = new Date(rows[0]!.next);
  expect(daily.getTime()).toBeGreaterThan(Date.now());
  expect(daily.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
  expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit' }).format(daily)).toBe('06:00');
});
