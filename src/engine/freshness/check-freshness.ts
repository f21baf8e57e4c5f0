import type { Manifest } from '../manifest';
import { runQuery } from '../warehouse/run-query';
import type { Warehouse } from '../warehouse/warehouse';
import { freshnessQuery, gradeFreshness, hasFreshness, type FreshnessResult } from './freshness';

/**
 * Check the freshness of the given sources (those without `loaded_at_field` and thresholds are left
 * out), all queries in flight at once. A failing query is that table's `runtime error`.
 *
 * @example
 * const results = await checkSourceFreshness(manifest, warehouse, ['source.demo.app.users']);
 */
export async function checkSourceFreshness(manifest: Manifest, warehouse: Warehouse, sourceIds: string[]): Promise<FreshnessResult[]> {
  const sources = sourceIds.map((id) => manifest.sources[id]).filter((s) => s !== undefined).filter(hasFreshness)
    .sort((a, b) => a.uniqueId.localeCompare(b.uniqueId));
  return Promise.all(sources.map(async (source) => {
    try {
      const { rows } = await runQuery(warehouse, freshnessQuery(source, manifest.target.type));
      const [maxLoadedAt, snapshottedAt] = rows[0] ?? [null, null];
      return gradeFreshness(source, maxLoadedAt === null ? null : String(maxLoadedAt), String(snapshottedAt));
    } catch (error) {
      return {
        uniqueId: source.uniqueId, sourceName: source.sourceName, tableName: source.name, status: 'runtime error' as const,
        criteria: source.freshness ?? {}, error: (error as Error).message,
      };
    }
  }));
}
