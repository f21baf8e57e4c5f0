/** The site index with what the pages derive from it once: children, positions by id, the type of a node. Pure. */
import { NODE_TYPES, type SiteIndex, type SiteNodeType } from '../site-data';

export interface LoadedIndex extends SiteIndex {
  position: Map<string, number>;
  children: number[][];
  typeOf(i: number): SiteNodeType;
}

export function loadedIndexOf(index: SiteIndex): LoadedIndex {
  const children: number[][] = index.ids.map(() => []);
  index.parents.forEach((ps, i) => { for (const p of ps) children[p]!.push(i); });
  return { ...index, children, position: new Map(index.ids.map((id, i) => [id, i])), typeOf: (i: number) => NODE_TYPES[index.types[i]!]! };
}
