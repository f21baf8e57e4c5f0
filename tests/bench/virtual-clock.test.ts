/**
 * The freshness simulator's virtual clock (bench/support/virtual-clock.ts): simulated time moves only when the real
 * world is idle, by jumping to the next timer. Asserts on virtual timestamps only, never on wall-clock time: modelled
 * waits take their full virtual duration, local work (fs, an HTTP round trip) takes none, and a tiny simulated day
 * through the real local stack comes out with figures that include the modelled durations.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { installVirtualClock } from '../../bench/support/virtual-clock';
import { generateFreshnessLagProject } from '../../bench/support/freshness-lag-project';
import { simulateDay } from '../../bench/support/freshness-lag-simulation';
import { REDSHIFT_SERVERLESS_LATENCY } from '../../src/local/data-api/redshift-latency';

jest.setTimeout(120_000);

describe('installVirtualClock', () => {
  it('takes a 60 s wait at its full virtual duration, and local I/O at none', async () => {
    const clock = installVirtualClock();
    const server = http.createServer((request, response) => {
      // A server holding the request on a modelled 5 s latency (as the local Data API's long poll does).
      if (request.url === '/held') setTimeout(() => response.end(String(Date.now())), 5_000);
      else response.end(String(Date.now()));
    });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const get = (p: string) => new Promise<string>((resolve, reject) => http.get(`${url}${p}`, (r) => {
        let body = '';
        r.on('data', (c) => (body += c)).on('end', () => resolve(body));
      }).on('error', reject));

      const start = Date.now();
      const elapsed = () => Date.now() - start;
      const waited = new Promise<number>((resolve) => setTimeout(() => resolve(elapsed()), 60_000));
      // Real work started alongside: it must finish before the clock moves (it costs no simulated time).
      const read = fs.promises.readFile(__filename).then(() => elapsed());
      const roundTrip = get('/now').then(() => elapsed());
      expect(await read).toBe(0);
      expect(await roundTrip).toBe(0);
      expect(await waited).toBe(60_000);

      const heldStart = Date.now();
      const answeredAt = Number(await get('/held'));
      expect(answeredAt - heldStart).toBe(5_000);
      expect(Date.now() - heldStart).toBe(5_000);
      // Node runs a timer due in under 1 ms after 1 ms: a loop waiting 0.5 ms still moves the clock.
      const subMs = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 0.5));
      expect(Date.now() - subMs).toBe(1);
      // process.hrtime is virtual too (the local Data API measures a statement's run with it).
      const hr = process.hrtime.bigint();
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(Number(process.hrtime.bigint() - hr) / 1e6).toBe(250);
      expect(clock.jumps).toBeGreaterThanOrEqual(3);
      expect(clock.forcedJumps).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await clock.uninstall();
    }
    // The real clock is back.
    expect(Math.abs(Date.now() - new Date().getTime())).toBeLessThan(1_000);
  });
});

describe('a tiny virtual-clock day through the real local stack', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-virtual-day-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reports lags that include the coalescing window and the modelled build times', async () => {
    const projectDir = path.join(root, 'project');
    const { rawTables, dag } = generateFreshnessLagProject(projectDir, 1);
    const windowSeconds = 60;
    const figures = await simulateDay({
      repoRoot: path.resolve(__dirname, '../..'), projectDir, rawTables, stateDir: path.join(root, 'state'),
      scheduler: 'dag', hours: 0.02, load: 10, speed: 1, clock: 'virtual', windowSeconds,
    });
    expect(figures.clock).toBe('virtual');
    // A jump forced after a request looked in transit for 200 turns: 0–2 seen on a loaded machine, figures unchanged.
    expect(figures.forcedJumps).toBeLessThanOrEqual(5);
    expect(figures.arrivalsSent).toBeGreaterThanOrEqual(2);
    expect(figures.arrivalsMeasured).toBe(figures.arrivalsSent);
    expect(figures.runsFailed).toBe(0);
    expect(figures.overlappingBuilds).toEqual([]);
    expect(figures.maxStatementsInFlight).toBeLessThanOrEqual(16);
    expect(figures.transitions).toBeGreaterThan(0);
    // The first build waited at least for its slowest model's modelled time and its commit, unscaled.
    const slowest = Math.max(...Object.values(dag).map((m) => m.buildMs));
    expect(figures.initialBuildMs).toBeGreaterThanOrEqual(slowest + REDSHIFT_SERVERLESS_LATENCY.commitMs);
    // The first arrival opened a 60 s window, then its run committed at least once: the worst lag has both.
    expect(figures.lag.overall!.maxMs).toBeGreaterThanOrEqual(windowSeconds * 1000 + REDSHIFT_SERVERLESS_LATENCY.commitMs);
    // …and nothing but modelled time counts: a few minutes at most, whatever the machine's load.
    expect(figures.lag.overall!.maxMs).toBeLessThan(10 * 60_000);
  });
});
