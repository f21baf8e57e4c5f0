/**
 * dbt's `catalog.json` (schema v1, https://schemas.getdbt.com/dbt/catalog/v1.json): for every model, seed, snapshot
 * and source of the manifest that exists in the warehouse, its relation type, owner, comment, columns with their types
 * and position, and stats (row count and size where the warehouse gives them). Read through the `Warehouse` port, so
 * the same code reads PGlite in-process, a PostgreSQL server, or Redshift through the Data API.
 *
 * `generateCatalog` is the one entry point (`landfall docs generate`, and the docs site).
 */
import type { Manifest, Relation } from '../engine/manifest';
import type { Cell, Warehouse } from '../engine/warehouse/warehouse';
import { runQuery } from '../engine/warehouse/run-query';
import { artifactMetadata, type ArtifactMetadataInput } from './artifact-metadata';
import { columnsCatalogQuery, statsCatalogQuery } from './catalog-queries';
import { dbtId } from './dbt-ids';

export const CATALOG_SCHEMA = 'https://schemas.getdbt.com/dbt/catalog/v1.json';

export interface CatalogStat { id: string; label: string; value: boolean | string | number | null; include: boolean; description: string | null }
export interface CatalogTable {
  metadata: { type: string; schema: string; name: string; database: string | null; comment: string | null; owner: string | null };
  columns: Record<string, { type: string; index: number; name: string; comment: string | null }>;
  stats: Record<string, CatalogStat>;
  unique_id: string | null;
}
export interface CatalogArtifact {
  metadata: Record<string, unknown>;
  nodes: Record<string, CatalogTable>;
  sources: Record<string, CatalogTable>;
  errors: string[] | null;
}

export interface GenerateCatalogOptions extends Partial<ArtifactMetadataInput> {
  /** Only these landfall ids (dbt's `docs generate --select`); default every model, seed, snapshot and source. */
  only?: ReadonlySet<string>;
}

interface CatalogEntry { uniqueId: string; relation: Relation; source: boolean }

/**
 * @example
 * const catalog = await generateCatalog(warehouse, manifest);
 * catalog.nodes['model.shop.orders'].columns.order_id.type // 'integer'
 */
export async function generateCatalog(warehouse: Warehouse, manifest: Manifest, options: GenerateCatalogOptions = {}): Promise<CatalogArtifact> {
  const entries = catalogEntries(manifest, options.only);
  const schemas = [...new Set(entries.map((e) => e.relation.schema))].sort();
  const dialect = manifest.target.type;
  const errors: string[] = [];
  const columns = schemas.length ? await runQuery(warehouse, columnsCatalogQuery(dialect, schemas)) : { columns: [], rows: [] };
  // Stats are best effort: SVV_TABLE_INFO needs a grant on Redshift; the catalog is still useful without them.
  const stats = schemas.length
    ? await runQuery(warehouse, statsCatalogQuery(dialect, schemas)).catch((error: unknown) => {
      errors.push(`row counts and sizes unavailable: ${(error as Error).message}`);
      return { columns: [], rows: [] as Cell[][] };
    })
    : { columns: [], rows: [] };
  const tables = tablesFrom(columns.rows, manifest.target.database);
  addStats(tables, stats.rows, dialect === 'redshift');

  const catalog: CatalogArtifact = {
    metadata: artifactMetadata(CATALOG_SCHEMA, { invocationId: options.invocationId ?? 'catalog', generatedAt: options.generatedAt ?? new Date(), env: options.env }),
    nodes: {},
    sources: {},
    errors: errors.length ? errors : null,
  };
  for (const entry of entries) {
    const table = tables.get(key(entry.relation.schema, entry.relation.identifier));
    if (!table) continue; // not built yet: dbt leaves it out too
    (entry.source ? catalog.sources : catalog.nodes)[entry.uniqueId] = { ...table, unique_id: entry.uniqueId };
  }
  return catalog;
}

/**
 * The relations dbt's catalog covers: models (not ephemeral), seeds, snapshots, sources, and the tables tests store
 * their failures in (`store_failures`), keyed by dbt's test id.
 */
function catalogEntries(manifest: Manifest, only?: ReadonlySet<string>): CatalogEntry[] {
  const wanted = (id: string) => !only || only.has(id);
  return [
    ...Object.values(manifest.models).filter((m) => m.config.materialized !== 'ephemeral' && wanted(m.uniqueId)).map((m) => ({ uniqueId: m.uniqueId, relation: m.relation, source: false })),
    ...Object.values(manifest.seeds).filter((s) => wanted(s.uniqueId)).map((s) => ({ uniqueId: s.uniqueId, relation: s.relation, source: false })),
    ...Object.values(manifest.tests).filter((t) => t.storeFailuresIn && wanted(t.uniqueId)).map((t) => ({ uniqueId: dbtId(manifest, t.uniqueId), relation: t.storeFailuresIn!, source: false })),
    ...Object.values(manifest.sources).filter((s) => wanted(s.uniqueId)).map((s) => ({ uniqueId: s.uniqueId, relation: s.relation, source: true })),
  ];
}

/** dbt matches relations case-insensitively (the catalog's names are folded by the warehouse). */
function key(schema: string, name: string): string {
  return `${schema.toLowerCase()}\u0000${name.toLowerCase()}`;
}

function text(cell: Cell | undefined): string | null {
  return cell === null || cell === undefined ? null : String(cell);
}

function tablesFrom(rows: Cell[][], database: string): Map<string, Omit<CatalogTable, 'unique_id'>> {
  const tables = new Map<string, Omit<CatalogTable, 'unique_id'>>();
  for (const [schema, name, type, comment, owner, column, index, columnType, columnComment] of rows) {
    const k = key(String(schema), String(name));
    let table = tables.get(k);
    if (!table) {
      table = {
        metadata: { type: String(type), schema: String(schema), name: String(name), database, comment: text(comment), owner: text(owner) },
        columns: {},
        stats: { has_stats: { id: 'has_stats', label: 'Has Stats?', value: false, include: false, description: 'Indicates whether there are statistics for this table' } },
      };
      tables.set(k, table);
    }
    table.columns[String(column)] = { type: String(columnType), index: Number(index), name: String(column), comment: text(columnComment) };
  }
  return tables;
}

function addStats(tables: Map<string, Omit<CatalogTable, 'unique_id'>>, rows: Cell[][], redshift: boolean): void {
  for (const [schema, name, rowCount, bytes] of rows) {
    const table = tables.get(key(String(schema), String(name)));
    if (!table) continue;
    if (rowCount !== null && rowCount !== undefined) {
      table.stats.num_rows = { id: 'num_rows', label: redshift ? 'Approximate Row Count' : 'Estimated Row Count', value: Number(rowCount), include: true, description: redshift ? 'Rows in the table, including rows marked deleted and not yet vacuumed (SVV_TABLE_INFO.tbl_rows)' : "The planner's row estimate (pg_class.reltuples) as of the last ANALYZE" };
    }
    if (bytes !== null && bytes !== undefined) {
      table.stats.num_bytes = { id: 'num_bytes', label: 'Approximate Size', value: Number(bytes), include: true, description: redshift ? 'Size on disk: SVV_TABLE_INFO.size (1 MB blocks) in bytes' : 'pg_total_relation_size: table, indexes and TOAST, in bytes' };
    }
    table.stats.has_stats = { ...table.stats.has_stats!, value: true };
  }
}
