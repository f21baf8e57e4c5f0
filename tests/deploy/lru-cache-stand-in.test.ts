/**
 * scripts/bundle/lru-cache.mjs stands in for mnemonist/lru-cache in the Lambda bundles (the DynamoDB client's
 * endpoint-discovery cache): for the methods that cache calls it answers exactly as mnemonist does, evictions included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import MnemonistLRU from 'mnemonist/lru-cache';

const repo = path.resolve(__dirname, '..', '..');

describe('the LRU cache stand-in', () => {
  it('answers get, peek, has, set and clear as mnemonist over a random workload', () => {
    // The module as esbuild loads it into a bundle (ES module → CommonJS), evaluated here.
    const { code } = transformSync(fs.readFileSync(path.join(repo, 'scripts', 'bundle', 'lru-cache.mjs'), 'utf8'), { format: 'cjs', loader: 'js' });
    const module = { exports: {} as { default: new (capacity: number) => MnemonistLRU<string, number> } };
    new Function('module', 'exports', code)(module, module.exports);
    const StandIn = module.exports.default;
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const capacity of [1, 3, 10]) {
      const expected = new MnemonistLRU<string, number>(capacity);
      const actual = new StandIn(capacity);
      for (let i = 0; i < 2000; i++) {
        const key = `k${Math.floor(random() * 15)}`;
        const op = Math.floor(random() * 5);
        if (op === 0) expect(actual.get(key)).toBe(expected.get(key));
        else if (op === 1) expect(actual.peek(key)).toBe(expected.peek(key));
        else if (op === 2) expect(actual.has(key)).toBe(expected.has(key));
        else if (op === 3) {
          actual.set(key, i);
          expected.set(key, i);
        } else if (i % 500 === 0) {
          actual.clear();
          expected.clear();
        }
        expect(actual.size).toBe(expected.size);
      }
    }
  });

  it('is what the bundles get for mnemonist/lru-cache', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { lambdaBuildOptions } = require('../../esbuild.config.js') as { lambdaBuildOptions: (manifestJson: string) => { alias: Record<string, string> } };
    expect(lambdaBuildOptions('{}').alias['mnemonist/lru-cache']).toBe(path.join(repo, 'scripts', 'bundle', 'lru-cache.mjs'));
  });
});
