/**
 * A small deterministic pseudo-random generator (mulberry32) with the helpers the demo data needs.
 * The same seed always yields the same sequence, on every platform and Node version.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** A log-normally distributed number: `exp(mu + sigma * standard normal)`. */
  logNormal(mu: number, sigma: number): number;
  /** `length` lowercase hexadecimal characters. */
  hex(length: number): string;
}

/**
 * Creates a {@link SeededRandom} from a 32-bit integer seed.
 *
 * @example
 * const random = createSeededRandom(42);
 * random.int(1, 6); // the same value every time for seed 42
 */
export function createSeededRandom(seed: number): SeededRandom {
  // Local references: global lookups are slow inside sandboxed contexts such as Jest's.
  const { imul, floor, sqrt, log, cos, exp, max, PI } = Math;
  let state = seed >>> 0;

  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;

  const int = (min: number, max: number): number => min + floor(next() * (max - min + 1));

  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(0, items.length - 1)],
    weighted: (weights) => {
      const entries = Object.entries(weights) as [keyof typeof weights & string, number][];
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return entries[entries.length - 1][0];
    },
    logNormal: (mu, sigma) => {
      const u1 = max(next(), 2 ** -52);
      const u2 = next();
      const standardNormal = sqrt(-2 * log(u1)) * cos(2 * PI * u2);
      return exp(mu + sigma * standardNormal);
    },
    hex: (length) => {
      let out = '';
      while (out.length < length) out += nextUint32().toString(16).padStart(8, '0');
      return out.slice(0, length);
    },
  };
}
