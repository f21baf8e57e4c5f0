/**
 * Paging as the local endpoints answer List/Describe calls: a page of `size` items and, when more remain, an opaque
 * `NextToken` (base64 of the next offset). Clients must treat tokens as opaque, as in AWS; a token the endpoint did not
 * issue is refused, never read as "from the start".
 */

/**
 * @param invalidToken the service's own error for a bad token (e.g. `ValidationException`, `InvalidParameter`).
 * @example
 * offsetPage(['a', 'b', 'c'], undefined, 2, bad); // { page: ['a', 'b'], nextToken: 'Mg==' }
 * offsetPage(['a', 'b', 'c'], 'Mg==', 2, bad);   // { page: ['c'], nextToken: undefined }
 */
export function offsetPage<T>(items: readonly T[], token: unknown, size: number, invalidToken: () => Error): { page: T[]; nextToken: string | undefined } {
  const start = readOffsetToken(token, invalidToken);
  const end = start + size;
  return { page: items.slice(start, end), nextToken: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined };
}

function readOffsetToken(token: unknown, invalidToken: () => Error): number {
  if (token === undefined || token === null || token === '') return 0;
  // Only a token this endpoint wrote: base64 of decimal digits, exactly (Buffer reads any text as some base64, and
  // Number('') is 0, so a loose read would take garbage for "from the start").
  const text = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
  if (!/^\d+$/.test(text) || Buffer.from(text).toString('base64') !== token) throw invalidToken();
  return Number(text);
}
