/**
 * Search over names, descriptions and column names. The haystacks are built once from the index; a query is a
 * linear scan (30,000 nodes take a few milliseconds), ranked: exact name, name prefix, name contains, column,
 * description. Tests rank below everything else, as they outnumber models.
 */
import type { LoadedIndex } from './loaded-index';

export interface SearchHit {
  index: number;
  score: number;
  /** What matched: 'name', 'column <name>', 'description'. */
  why: string;
}

let names: string[] = [];
let columns: string[] = [];
let descriptions: string[] = [];
let built: LoadedIndex | undefined;
let lastQuery = '';
let lastMatches: number[] = [];

/** Builds the lowercase haystacks (called when the index arrives, so the first keystroke does not pay for it). */
export function prepare(index: LoadedIndex): void {
  if (built === index) return;
  lastQuery = '';
  names = index.names.map((n) => n.toLowerCase());
  columns = index.columns.map((c) => ` ${c.toLowerCase()} `);
  descriptions = index.descriptions.map((d) => d.toLowerCase());
  built = index;
}

export function search(index: LoadedIndex, query: string, limit = 50): SearchHit[] {
  prepare(index);
  const q = query.trim().toLowerCase();
  if (!q) return [];
  // Typing narrows: when the query extends the last one, only the last query's matches can match (a substring of
  // a match's text). Scores are few and fixed: hits go into one bucket per score, so nothing sorts thousands of hits.
  const candidates = lastQuery && q.startsWith(lastQuery) ? lastMatches : undefined;
  const matches: number[] = [];
  const buckets = new Map<number, SearchHit[]>();
  const count = candidates ? candidates.length : names.length;
  for (let k = 0; k < count; k++) {
    const i = candidates ? candidates[k]! : k;
    const name = names[i]!;
    let score = 0;
    let why = 'name';
    if (name === q) score = 100;
    else if (name.startsWith(q)) score = 80;
    else if (name.includes(q)) score = 60;
    else if (columns[i]!.includes(q)) {
      score = columns[i]!.includes(` ${q} `) ? 50 : 40;
      why = `column ${index.columns[i]!.split(' ').find((c) => c.toLowerCase().includes(q)) ?? q}`;
    } else if (descriptions[i]!.includes(q)) {
      score = 20;
      why = 'description';
    }
    if (score === 0) continue;
    matches.push(i);
    if (index.typeOf(i) === 'test') score -= 15;
    const bucket = buckets.get(score);
    const hit = { index: i, score, why };
    if (bucket) { if (bucket.length < limit * 4) bucket.push(hit); } else buckets.set(score, [hit]);
  }
  lastQuery = q;
  lastMatches = matches;
  const hits: SearchHit[] = [];
  for (const score of [...buckets.keys()].sort((a, b) => b - a)) {
    // Within a score, shorter names first (closer matches).
    hits.push(...buckets.get(score)!.sort((a, b) => names[a.index]!.length - names[b.index]!.length));
    if (hits.length >= limit) break;
  }
  return hits.slice(0, limit);
}
