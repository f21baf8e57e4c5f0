/**
 * dbt's package version ranges: a version (`1.1.1`, `=1.1.1`) or comparisons (`>=1.0.0`, `<2.0.0`), several
 * of which must all hold; prereleases (`1.2.0-b1`) are only chosen when asked for.
 */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

const VERSION = /^\s*(>=|<=|>|<|=)?\s*v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$/;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text);
  if (!m || m[1]) return undefined;
  return { major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), prerelease: m[5] ?? '' };
}

export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) if (a[key] !== b[key]) return a[key] - b[key];
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

export interface Comparison {
  op: '>=' | '<=' | '>' | '<' | '=';
  version: Version;
}

/** One specifier (`>=1.0.0`), or undefined when it is not one. */
export function parseComparison(text: string): Comparison | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  return { op: (m[1] ?? '=') as Comparison['op'], version: { major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]), prerelease: m[5] ?? '' } };
}

export function satisfies(version: Version, range: Comparison[]): boolean {
  return range.every(({ op, version: bound }) => {
    const c = compareVersions(version, bound);
    return op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : c === 0;
  });
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

/**
 * The highest of `available` that satisfies every comparison; prereleases only with `prerelease` (or when a
 * comparison names one, as dbt does).
 *
 * @example
 * pickVersion(['0.9.0', '1.1.1', '1.2.0-b1', '2.0.0'], [parseComparison('>=1.0.0')!, parseComparison('<2.0.0')!], false) // '1.1.1'
 */
export function pickVersion(available: string[], range: Comparison[], prerelease: boolean): string | undefined {
  const allowPre = prerelease || range.some((c) => c.version.prerelease !== '');
  let best: { text: string; version: Version } | undefined;
  for (const text of available) {
    const version = parseVersion(text);
    if (!version || (version.prerelease && !allowPre) || !satisfies(version, range)) continue;
    if (!best || compareVersions(version, best.version) > 0) best = { text, version };
  }
  return best?.text;
}
