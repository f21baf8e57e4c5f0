import { settleWindowMs } from '../../src/runtime/transform-run';

describe('settleWindowMs (history budget)', () => {
  it('keeps the configured window for a short run and doubles it every 500 AdvanceRun invocations, up to 40 s', () => {
    expect(settleWindowMs(5000, 1)).toBe(5000);
    expect(settleWindowMs(5000, 499)).toBe(5000);
    expect(settleWindowMs(5000, 500)).toBe(10_000);
    expect(settleWindowMs(5000, 1200)).toBe(20_000);
    expect(settleWindowMs(5000, 9000)).toBe(40_000);
    expect(settleWindowMs(0, 5000)).toBe(0);
    expect(settleWindowMs(60_000, 0)).toBe(60_000);
  });

  it('fits a long run into 25,000 history events (~9 per invocation plus a few dozen)', () => {
    // Invocations until the window reaches its cap, and the history they cost.
    let seconds = 0;
    let invocations = 0;
    while (invocations * 9 + 40 < 25_000) {
      invocations++;
      seconds += settleWindowMs(5000, invocations) / 1000;
    }
    // 16 hours of statements finishing continuously fit (while nothing finishes, the Wait state grows instead).
    expect(seconds).toBeGreaterThan(16 * 3600);
  });
});
