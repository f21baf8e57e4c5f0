/** manifest.json's parent_map and child_map, from each node entry's `depends_on`. */
import type { Json } from './manifest-nodes';

/** The sections of manifest.json that hold one entry per node, in the order dbt writes them. */
export type NodeSection = 'nodes' | 'sources' | 'exposures' | 'unit_tests';

/** An entry's parents for parent_map: what it depends on, sorted (sources have none). */
export function parentsOf(section: NodeSection, entry: Json): string[] {
  if (section === 'sources') return [];
  return [...((entry.depends_on as { nodes?: string[] } | undefined)?.nodes ?? [])].sort();
}

/**
 * parent_map: every node's parents (what it depends on); child_map: the reverse. Nodes, then exposures, then unit
 * tests, then sources, as dbt lists them.
 */
export function parentAndChildMaps(sections: Record<NodeSection, { [id: string]: unknown }>, parents: ReadonlyMap<string, string[]>): { parentMap: Record<string, string[]>; childMap: Record<string, string[]> } {
  const parentMap: Record<string, string[]> = {};
  for (const section of ['nodes', 'exposures', 'unit_tests'] as const) for (const id of Object.keys(sections[section])) parentMap[id] = parents.get(id) ?? [];
  for (const id of Object.keys(sections.sources)) parentMap[id] = [];
  const childMap: Record<string, string[]> = Object.fromEntries(Object.keys(parentMap).map((id) => [id, [] as string[]]));
  for (const [child, ids] of Object.entries(parentMap)) for (const parent of ids) (childMap[parent] ??= []).push(child);
  for (const children of Object.values(childMap)) children.sort();
  return { parentMap, childMap };
}

