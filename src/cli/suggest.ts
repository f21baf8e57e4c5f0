/** "Did you mean …?": the known names closest to a mistyped one (edit distance), for flags, commands and selections. */

/** Levenshtein distance between two strings (insert, delete, substitute cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to `limit` names close to `wanted`: within a third of its length in edits (at least 2), or containing it /
 * contained in it; closest first.
 */
export function closestNames(wanted: string, known: Iterable<string>, limit = 3): string[] {
  const lower = wanted.toLowerCase();
  const budget = Math.max(2, Math.floor(wanted.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(known)) {
    const candidate = name.toLowerCase();
    const distance = editDistance(lower, candidate);
    const contains = lower.length >= 3 && (candidate.includes(lower) || lower.includes(candidate));
    if (distance <= budget || contains) scored.push({ name, score: contains ? Math.min(distance, 1.5) : distance });
  }
  return scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name)).slice(0, limit).map((s) => s.name);
}

/** ` (did you mean 'a' or 'b'?)`, or nothing when no name is close. */
export function didYouMean(wanted: string, known: Iterable<string>, format = (name: string) => `'${name}'`): string {
  const close = closestNames(wanted, known);
  if (close.length === 0) return '';
  const listed = close.map(format);
  return ` (did you mean ${listed.length === 1 ? listed[0] : `${listed.slice(0, -1).join(', ')} or ${listed[listed.length - 1]}`}?)`;
}
