/** The local Step Functions' paging refuses what AWS refuses (maxResults outside 0–1000, a token it did not issue). */
import { paginate } from '../../../src/local/aws/sfn-api-support';

describe('local Step Functions paging', () => {
  const items = Array.from({ length: 250 }, (_, i) => i);

  it('pages with opaque tokens, 100 by default', () => {
    const first = paginate(items, undefined, undefined);
    expect(first.items).toHaveLength(100);
    const second = paginate(items, 0, first.nextToken);
    expect(second.items[0]).toBe(100);
    const last = paginate(items, 1000, second.nextToken);
    expect(last.items).toHaveLength(50);
    expect(last.nextToken).toBeUndefined();
  });

  it('refuses maxResults above 1000 or negative, and a token it did not issue', () => {
    expect(() => paginate(items, 1001, undefined)).toThrow(/maxResults/);
    expect(() => paginate(items, -1, undefined)).toThrow(/maxResults/);
    expect(() => paginate(items, 10, '5')).toThrow(/Invalid Token/);
  });
});
