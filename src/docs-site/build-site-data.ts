/**
 * dbt's artifacts → the site's data files (site-data.ts): manifest.json (v12), catalog.json (v1), sources.json (v3)
 * and run records. Built from dbt's formats, not landfall's internal manifest, so node ids match run_results.json
 * (test ids with dbt's hashes) and the same builder renders dbt-core's own target/ folder. Pure: no I/O.
 */
import {
  NODE_TYPES, SHARD_SIZE, SITE_DATA_VERSION, sitePaths, withRun, withTestOutcomes,
  type NodeDetail, type PartitionSummary, type RunRecord, type RunSummary, type SiteColumn, type SiteIndex, type SiteNodeType, type SiteOverview, type SourceFreshness, type TestHistory,
} from './site-data';

/** A manifest.json (v12) node, source, macro, exposure …, the fields the site reads. */
export interface ManifestEntry {
  unique_id: string;
  resource_type: string;
  name: string;
  package_name?: string;
  path?: string;
  original_file_path?: string;
  description?: string;
  columns?: Record<string, { name: string; description?: string; data_type?: string | null }>;
  config?: Record<string, unknown>;
  tags?: string[];
  raw_code?: string;
  compiled_code?: string;
  macro_sql?: string;
  relation_name?: string | null;
  depends_on?: { nodes?: string[] };
  attached_node?: string | null;
  column_name?: string | null;
  test_metadata?: { name: string } | null;
  source_name?: string;
  source_description?: string;
  loaded_at_field?: string | null;
  freshness?: { warn_after?: { count?: number | null; period?: string | null } | null; error_after?: { count?: number | null; period?: string | null } | null } | null;
  arguments?: { name: string }[];
}

export interface ManifestV12 {
  metadata: { project_name?: string; generated_at?: string };
  nodes: Record<string, ManifestEntry>;
  sources: Record<string, ManifestEntry>;
  macros?: Record<string, ManifestEntry>;
  exposures?: Record<string, ManifestEntry>;
  metrics?: Record<string, ManifestEntry>;
  semantic_models?: Record<string, ManifestEntry>;
  saved_queries?: Record<string, ManifestEntry>;
  unit_tests?: Record<string, ManifestEntry>;
}

/** catalog.json (v1), the parts the site reads. */
export interface CatalogV1 {
  nodes: Record<string, CatalogEntry>;
  sources: Record<string, CatalogEntry>;
}
export interface CatalogEntry {
  metadata: { type: string; schema: string; name: string };
  columns: Record<string, { type: string; index: number; name: string; comment?: string | null }>;
  stats: Record<string, { id: string; label: string; value: unknown; include: boolean }>;
}

/** sources.json (v3) results, the parts the site reads. */
export interface SourcesV3 {
  results: { unique_id: string; status: string; max_loaded_at?: string | null; snapshotted_at?: string | null }[];
}

export interface SiteInputs {
  manifest: ManifestV12;
  catalog?: CatalogV1;
  sources?: SourcesV3;
  partitions?: PartitionSummary[];
  runs?: RunRecord[];
  /** Only the project's own macros are listed (dbt's adapter macros would be thousands); default: the project's package. */
  macroPackages?: string[];
  now?: Date;
}

export interface SiteData {
  overview: SiteOverview;
  /** Path under the site folder → JSON text. */
  files: Map<string, string>;
}

const MACRO_LIMIT = 2000;

function folderOf(e: ManifestEntry): string {
  if (e.resource_type === 'source') return `sources/${e.source_name ?? ''}`;
  const file = e.original_file_path ?? e.path ?? '';
  return file.split('/').slice(0, -1).join('/') || '.';
}

function threshold(t: { count?: number | null; period?: string | null } | null | undefined): string | undefined {
  return t && t.count && t.period ? `${t.count} ${t.period}${t.count === 1 ? '' : 's'}` : undefined;
}

function entriesOf(manifest: ManifestV12, macroPackages: Set<string>): { entry: ManifestEntry; type: SiteNodeType }[] {
  const all: { entry: ManifestEntry; type: SiteNodeType }[] = [];
  const add = (record: Record<string, ManifestEntry> | undefined) => {
    for (const entry of Object.values(record ?? {})) {
      const type = entry.resource_type === 'unit_test' ? 'test' : entry.resource_type as SiteNodeType;
      if (NODE_TYPES.includes(type)) all.push({ entry, type });
    }
  };
  add(manifest.nodes); add(manifest.sources); add(manifest.exposures); add(manifest.metrics); add(manifest.semantic_models); add(manifest.saved_queries); add(manifest.unit_tests);
  add(Object.fromEntries(Object.entries(manifest.macros ?? {}).filter(([, m]) => macroPackages.has(m.package_name ?? '')).slice(0, MACRO_LIMIT)));
  return all.sort((a, b) => NODE_TYPES.indexOf(a.type) - NODE_TYPES.indexOf(b.type) || (a.entry.unique_id < b.entry.unique_id ? -1 : 1));
}

/** dbt's config lists every key; the page shows (and the shard carries) only those set to something. */
function compactConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)) continue;
    if (k === 'docs' || k === 'contract' || k === 'enabled') continue; // dbt's defaults, shown nowhere
    out[k] = v;
  }
  return out;
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}

export function buildSiteData(inputs: SiteInputs): SiteData {
  const { manifest, catalog } = inputs;
  const now = inputs.now ?? new Date();
  const project = manifest.metadata.project_name ?? 'project';
  const entries = entriesOf(manifest, new Set(inputs.macroPackages ?? [project]));
  const position = new Map(entries.map((e, i) => [e.entry.unique_id, i]));
  const index: SiteIndex = { version: SITE_DATA_VERSION, ids: [], types: [], names: [], folder: [], folders: [], descriptions: [], columns: [], nodeTags: [], tags: [], parents: [], materialized: [] };
  const folderIndex = new Map<string, number>();
  const tagIndex = new Map<string, number>();
  const intern = (list: string[], map: Map<string, number>, value: string) => {
    let i = map.get(value);
    if (i === undefined) { i = list.length; list.push(value); map.set(value, i); }
    return i;
  };
  const testsOf = new Map<number, number[]>();
  const columnTests = new Map<string, number[]>();
  entries.forEach(({ entry, type }, i) => {
    if (type !== 'test') return;
    const target = position.get(entry.attached_node ?? entry.depends_on?.nodes?.[0] ?? '');
    if (target === undefined) return;
    pushTo(testsOf, target, i);
    if (entry.column_name) pushTo(columnTests, `${target}:${entry.column_name.toLowerCase()}`, i);
  });
  const freshnessById = new Map((inputs.sources?.results ?? []).map((r) => [r.unique_id, r]));
  const partitionsById = new Map((inputs.partitions ?? []).map((p) => [p.id, p]));
  const freshness: SourceFreshness[] = [];
  const details: NodeDetail[] = entries.map(({ entry, type }, i) => {
    const detail = detailOf(entry, type, i);
    index.ids.push(entry.unique_id);
    index.types.push(NODE_TYPES.indexOf(type));
    index.names.push(entry.name);
    index.folder.push(intern(index.folders, folderIndex, folderOf(entry)));
    index.descriptions.push(detail.description.slice(0, 240));
    index.columns.push(detail.columns.map((c) => c.name).join(' '));
    index.nodeTags.push((entry.tags ?? []).map((t) => intern(index.tags, tagIndex, t)));
    index.parents.push((entry.depends_on?.nodes ?? []).map((p) => position.get(p)).filter((p): p is number => p !== undefined));
    index.materialized.push(type === 'model' || type === 'snapshot' ? String(entry.config?.materialized ?? '') : '');
    return detail;
  });

  function detailOf(entry: ManifestEntry, type: SiteNodeType, i: number): NodeDetail {
    const catalogEntry = catalog?.nodes[entry.unique_id] ?? catalog?.sources[entry.unique_id];
    const columns = new Map<string, SiteColumn>();
    for (const c of Object.values(entry.columns ?? {})) columns.set(c.name.toLowerCase(), { name: c.name, description: c.description ?? '', type: c.data_type ?? undefined, tests: [] });
    for (const c of Object.values(catalogEntry?.columns ?? {}).sort((a, b) => a.index - b.index)) {
      const known = columns.get(c.name.toLowerCase());
      if (known) known.type = c.type;
      else columns.set(c.name.toLowerCase(), { name: c.name, description: c.comment ?? '', type: c.type, tests: [] });
    }
    for (const [key, column] of columns) column.tests = columnTests.get(`${i}:${key}`) ?? [];
    const detail: NodeDetail = {
      id: entry.unique_id,
      description: entry.description || (type === 'source' ? entry.source_description ?? '' : ''),
      file: entry.original_file_path,
      relation: entry.relation_name ?? undefined,
      config: type === 'macro' ? { arguments: (entry.arguments ?? []).map((a) => a.name).join(', ') } : compactConfig(entry.config ?? {}),
      rawSql: type === 'macro' ? entry.macro_sql : entry.raw_code || undefined,
      compiledSql: entry.compiled_code || undefined,
      columns: [...columns.values()],
      tests: testsOf.get(i) ?? [],
    };
    if (type === 'test') {
      detail.test = {
        attachedTo: position.get(entry.attached_node ?? entry.depends_on?.nodes?.[0] ?? ''), severity: String(entry.config?.severity ?? 'ERROR').toLowerCase(),
        testName: entry.test_metadata?.name, column: entry.column_name ?? undefined,
      };
    }
    if (catalogEntry) {
      detail.stats = { type: catalogEntry.metadata.type };
      for (const s of Object.values(catalogEntry.stats)) if (s.include) detail.stats[s.label] = s.value as string | number;
    }
    if (type === 'source' && (entry.loaded_at_field || threshold(entry.freshness?.warn_after) || threshold(entry.freshness?.error_after))) {
      const last = freshnessById.get(entry.unique_id);
      const f: SourceFreshness = {
        id: entry.unique_id, name: `${entry.source_name}.${entry.name}`, loadedAtField: entry.loaded_at_field ?? undefined,
        warnAfter: threshold(entry.freshness?.warn_after), errorAfter: threshold(entry.freshness?.error_after),
        ...(last ? { maxLoadedAt: last.max_loaded_at ?? undefined, status: last.status as SourceFreshness['status'], checkedAt: last.snapshotted_at ?? undefined } : {}),
      };
      freshness.push(f);
      detail.freshness = f;
    }
    const partitions = partitionsById.get(entry.unique_id);
    if (partitions) detail.partitions = partitions;
    return detail;
  }

  const files = new Map<string, string>();
  files.set(sitePaths.index, JSON.stringify(index));
  for (let s = 0; s * SHARD_SIZE < details.length; s++) files.set(sitePaths.shard(s), JSON.stringify(details.slice(s * SHARD_SIZE, (s + 1) * SHARD_SIZE)));
  let runIndex: RunSummary[] = [];
  let history: TestHistory = { runs: [], tests: {} };
  for (const run of [...(inputs.runs ?? [])].sort((a, b) => a.startedAt.localeCompare(b.startedAt))) {
    runIndex = withRun(runIndex, run);
    history = withTestOutcomes(history, run);
    files.set(sitePaths.run(run.id), JSON.stringify(run));
  }
  files.set(sitePaths.runIndex, JSON.stringify(runIndex));
  files.set(sitePaths.testHistory, JSON.stringify(history));
  return { overview: overviewOf(project, index, freshness, inputs.partitions ?? [], now), files };
}

function overviewOf(project: string, index: SiteIndex, freshness: SourceFreshness[], partitions: PartitionSummary[], now: Date): SiteOverview {
  const counts: SiteOverview['counts'] = {};
  const children = new Array<number>(index.ids.length).fill(0);
  const modelsByFolder = new Map<string, number>();
  index.types.forEach((t, i) => {
    const type = NODE_TYPES[t]!;
    counts[type] = (counts[type] ?? 0) + 1;
    if (type !== 'test') for (const p of index.parents[i]!) children[p]!++;
    const folder = index.folders[index.folder[i]!]!;
    if (type === 'model') modelsByFolder.set(folder, (modelsByFolder.get(folder) ?? 0) + 1);
  });
  const mostReferenced = children.map((c, i) => ({ id: index.ids[i]!, name: index.names[i]!, children: c }))
    .filter((n) => n.children > 0).sort((a, b) => b.children - a.children).slice(0, 10);
  return {
    version: SITE_DATA_VERSION, project, generatedAt: now.toISOString(), counts,
    folders: [...modelsByFolder].map(([folder, models]) => ({ folder, models })).sort((a, b) => b.models - a.models).slice(0, 50),
    mostReferenced, freshness, partitions,
  };
}
