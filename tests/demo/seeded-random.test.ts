import { createSeededRandom } from '../../src/demo/seeded-random';

describe('Function: createSeededRandom', () => {
  it('returns the same sequence for the same seed', () => {
    const first = createSeededRandom(7);
    const second = createSeededRandom(7);

    const a = Array.from({ length: 20 }, () => first.next());
    const b = Array.from({ length: 20 }, () => second.next());

    expect(a).toEqual(b);
  });

  it('returns a different sequence for a different seed', () => {
    expect(createSeededRandom(1).next()).not.toEqual(createSeededRandom(2).next());
  });

  it('keeps floats in [0, 1) and integers inside their inclusive bounds', () => {
    const random = createSeededRandom(3);
    const ints = new Set<number>();

    for (let i = 0; i < 5_000; i++) {
      const value = random.next();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      ints.add(random.int(1, 6));
    }

    expect([...ints].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('picks weighted keys roughly in proportion to their weights', () => {
    const random = createSeededRandom(11);
    const counts = { common: 0, rare: 0 };

    for (let i = 0; i < 10_000; i++) counts[random.weighted({ common: 0.9, rare: 0.1 })]++;

    expect(counts.rare).toBeGreaterThan(800);
    expect(counts.rare).toBeLessThan(1_200);
  });

  it('produces lowercase hex strings of the requested length', () => {
    expect(createSeededRandom(5).hex(32)).toMatch(/^[0-9a-f]{32}$/);
  });
});
