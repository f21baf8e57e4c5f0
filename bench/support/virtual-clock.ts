/**
 * A virtual clock for the load simulator (bench/freshness-lag.ts `--clock virtual`): a discrete-event simulation that
 * drives the REAL local stack. `setTimeout`/`setInterval` (and their clears), `Date` and `process.hrtime` are replaced process-wide by
 * @sinonjs/fake-timers; `setImmediate`, `process.nextTick`, promises and Node's own I/O (sockets, fs, the http module's
 * internal timers) stay real. A driver loop waits until the real world is idle, then jumps the clock to the next timer
 * and fires it. Local CPU therefore costs 0 simulated time, and every modelled duration (Data API latencies, Wait
 * states, the coalescing and settle windows, Lambda Invoke latency, retry backoff) is taken at its real value.
 *
 * "Idle" = `quietTurns` consecutive real `setImmediate` turns in which: no HTTP request started or ended on either side
 * (node:diagnostics_channel), every request a local client sent has reached its local server and every response the
 * server finished has reached its client (client and server share this process), no fs/dns/connect request is pending
 * (`process.getActiveResourcesInfo()`), and no work registered with {@link VirtualClock.track} is in flight. A request
 * the server holds open on a timer (the Data API's long poll) is idle: its end is a timer the driver fires.
 *
 * Only for benchmarks and tests: never installed by the runtime or `landfall serve`.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import * as FakeTimers from '@sinonjs/fake-timers';

export interface VirtualClockOptions {
  /** Consecutive quiet event-loop turns before the world counts as idle (default 3). */
  quietTurns?: number;
  /** Turns to wait for a request or response in transit between local client and server before jumping anyway (default 200). */
  transitTurns?: number;
  /** The virtual time at start, ms since the epoch (default: the real time now). */
  startAt?: number;
  log?: (line: string) => void;
}

export interface VirtualClock {
  /** Virtual ms since the epoch (the faked `Date.now()`). */
  now(): number;
  /** Timers fired by the driver. */
  readonly jumps: number;
  /** Jumps taken while a request seemed still in transit after `transitTurns` (should stay 0 or near it). */
  readonly forcedJumps: number;
  /** Counts `promise` as real work in flight until it settles (the driver does not jump meanwhile). */
  track<T>(promise: Promise<T>): Promise<T>;
  /** What the driver sees now (for a stalled simulation's log). */
  status(): string;
  /** Stops the driver and restores the real timers and Date. */
  uninstall(): Promise<void>;
}

// CloseReq: a FileHandle closing (fs.promises.readFile ends with one; a loaded libuv pool can hold it for several turns).
const BUSY_RESOURCE = /^(FSReq|FileHandle|CloseReq|GetAddrInfoReqWrap|GetNameInfoReqWrap|TCPConnectWrap|PipeConnectWrap|ShutdownWrap|WriteWrap|Zlib)/;

/**
 * @example
 * const clock = installVirtualClock();
 * try { await simulate(); } finally { await clock.uninstall(); }
 */
export function installVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const quietTurns = options.quietTurns ?? 3;
  const transitTurns = options.transitTurns ?? 200;
  // The real ones, captured before the fake ones replace them.
  const realSetImmediate = globalThis.setImmediate;
  const realSetTimeout = globalThis.setTimeout;
  const turn = () => new Promise<void>((resolve) => realSetImmediate(resolve));

  let activity = 0;
  let clientRequests = 0;
  let serverRequests = 0;
  let serverResponses = 0;
  let clientResponses = 0;
  let tracked = 0;
  const subscriptions: [string, (message: unknown) => void][] = [
    ['http.client.request.start', () => { activity++; clientRequests++; }],
    ['http.server.request.start', () => { activity++; serverRequests++; }],
    ['http.server.response.finish', () => { activity++; serverResponses++; }],
    ['http.client.response.finish', () => { activity++; clientResponses++; }],
  ];
  for (const [name, listener] of subscriptions) diagnosticsChannel.subscribe(name, listener);

  const clock = FakeTimers.withGlobal(globalThis).install({
    now: options.startAt ?? Date.now(),
    // hrtime too: the local Data API subtracts a statement's measured run time from its modelled time
    // (statement-store.ts), which must be virtual (0 for local CPU), or the machine's load leaks into the figures.
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'hrtime'],
    // The SDK's http handler clears ids it never set (-1): pass those to the real clearTimeout, a no-op.
    shouldClearNativeTimers: true,
  });

  // Node runs a timer due in less than 1 ms (0, 0.5, NaN) after 1 ms (lib/internal/timers.js); fake-timers fires it at
  // once, without moving the clock, so a loop waiting 0.5 ms for a due time would spin forever at one instant.
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const fake = globalThis[name] as (...a: unknown[]) => unknown;
    (globalThis as Record<string, unknown>)[name] = Object.assign((callback: unknown, ms?: unknown, ...rest: unknown[]) => {
      const delay = Number(ms);
      return fake(callback, delay >= 1 ? delay : 1, ...rest);
    }, { __promisify__: (fake as { __promisify__?: unknown }).__promisify__ });
  }
  const busyResources = () => process.getActiveResourcesInfo().some((r) => BUSY_RESOURCE.test(r));
  const inTransit = () => clientRequests !== serverRequests || serverResponses !== clientResponses;

  let stopped = false;
  let jumps = 0;
  let forcedJumps = 0;
  /** Resolves once the real world has been quiet for `quietTurns` turns (or stuck in transit for `transitTurns`). */
  async function untilIdle(): Promise<void> {
    let quiet = 0;
    let transitWait = 0;
    let seen = activity;
    while (!stopped) {
      await turn();
      if (activity !== seen || tracked > 0 || busyResources()) {
        seen = activity;
        quiet = 0;
        transitWait = 0;
        continue;
      }
      if (inTransit()) {
        // A request aborted by its client (or a response to one) never balances the counts: jump after a while.
        if (++transitWait < transitTurns) continue;
        forcedJumps++;
        clientRequests = serverRequests;
        clientResponses = serverResponses;
      }
      if (++quiet >= quietTurns) return;
    }
  }

  const nextTimers = () => {
    const timers = [...((clock as unknown as { timers?: Map<number, { callAt: number; func: unknown; delay?: number }> }).timers?.values() ?? [])].sort((a, b) => a.callAt - b.callAt).slice(0, 3);
    return timers.map((t) => `+${t.callAt - clock.now} ms (delay ${t.delay}) ${String(t.func).replace(/\s+/g, ' ').slice(0, 400)}`).join(' | ');
  };
  const driver = (async () => {
    while (!stopped) {
      await untilIdle();
      if (stopped) break;
      if (clock.countTimers() === 0) {
        // Nothing scheduled: the caller is between steps (or done); look again shortly without burning a core.
        await new Promise<void>((resolve) => realSetTimeout(resolve, 1));
        continue;
      }
      jumps++;
      if (process.env.LANDFALL_VIRTUAL_CLOCK_STATUS && jumps % 1000 === 0) options.log?.(`jump ${jumps}: ${nextTimers()}`);
      try {
        clock.next();
      } catch (error) {
        options.log?.(`virtual clock: a timer threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
  })();

  return {
    now: () => clock.now,
    get jumps() { return jumps; },
    get forcedJumps() { return forcedJumps; },
    status: () => `virtual ${new Date(clock.now).toISOString()}, ${jumps} jumps (${forcedJumps} forced), ${clock.countTimers()} timers, ${tracked} tracked, http client→server ${clientRequests}/${serverRequests}, responses ${serverResponses}/${clientResponses}, resources ${process.getActiveResourcesInfo().filter((r) => r !== 'TCPSocketWrap').join(',')}; next: ${nextTimers()}`,
    track<T>(promise: Promise<T>): Promise<T> {
      tracked++;
      return promise.finally(() => { tracked--; activity++; });
    },
    async uninstall() {
      stopped = true;
      await driver;
      clock.uninstall();
      for (const [name, listener] of subscriptions) diagnosticsChannel.unsubscribe(name, listener);
    },
  };
}
