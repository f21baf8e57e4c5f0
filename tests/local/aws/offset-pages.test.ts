import { offsetPage } from '../../../src/local/aws/offset-pages';

const invalid = () => new Error('bad token');

describe('offsetPage', () => {
  it('walks every item once, page by page, and gives no token on the last page', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { page, nextToken } = offsetPage(items, token, 2, invalid);
      seen.push(...page);
      token = nextToken;
      pages++;
    } while (token !== undefined);
    expect(seen).toEqual(items);
    expect(pages).toBe(3);
  });

  it('gives no token when the items fill the page exactly, and an empty page for none', () => {
    expect(offsetPage(['a', 'b'], undefined, 2, invalid)).toEqual({ page: ['a', 'b'], nextToken: undefined });
    expect(offsetPage([], '', 2, invalid)).toEqual({ page: [], nextToken: undefined });
  });

  it('refuses a token it did not issue with the service error, instead of starting over', () => {
    expect(() => offsetPage(['a'], 'not-a-token', 2, invalid)).toThrow('bad token');
    expect(() => offsetPage(['a'], Buffer.from('-1').toString('base64'), 2, invalid)).toThrow('bad token');
    expect(() => offsetPage(['a'], 42, 2, invalid)).toThrow('bad token');
  });
});
