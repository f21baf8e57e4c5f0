/**
 * `landfall docs generate`: dbt's `dbt docs generate` — compiles the project and writes `target/manifest.json`
 * (v12) and `target/catalog.json` (v1, from the warehouse's catalog: columns, types, row counts and sizes), read
 * through the same warehouse `build` uses (PGlite, `--database-url`, or Redshift's Data API). The docs site
 * (src/docs-site) extends this command: `generateDocsArtifacts` is the shared step.
 *
 * Flags as dbt's: `--select/-s`, `--exclude` (limit the catalog to these nodes), `--empty-catalog` (no warehouse
 * query: every node without catalog entries), `--vars`.
 */
import { buildGraph, selectNodes, type Manifest } from '../engine';
import { generateCatalog, type CatalogArtifact } from '../artifacts/catalog';
import { targetArtifacts, targetDir, TARGET_FILES, writeArtifactFiles } from '../artifacts/target-files';
import { projectDocsOf } from '../artifacts/project-docs';
import { artifactMetadata } from '../artifacts/artifact-metadata';
import { CATALOG_SCHEMA } from '../artifacts/catalog';
import { commonOptions, compileWithFiles, openCliWarehouse, type CommonOptions } from './command-context';
import { parseFlags, parseVars, selectors, UsageError } from './options';

/**
 * @example
 * await docsCommand(['generate', '--project-dir', 'dbt']) // writes dbt/target/manifest.json and catalog.json
 */
export async function docsCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'generate':
      return docsGenerateCommand(rest);
    case 'serve':
      return (require('./docs-site-command') as typeof import('./docs-site-command')).docsServeCommand(rest);
    case 'build-site':
      return (require('./docs-site-command') as typeof import('./docs-site-command')).docsBuildSiteCommand(rest);
    case 'publish':
      return (require('./docs-site-command') as typeof import('./docs-site-command')).docsPublishCommand(rest);
    default:
      throw new UsageError(`unknown docs subcommand '${subcommand ?? ''}' (known: generate, serve, build-site, publish)`);
  }
}

export interface DocsArtifacts {
  manifest: Manifest;
  catalog: CatalogArtifact;
  targetDir: string;
  written: string[];
  /** The manifest.json written, in memory: the site is built from it without reading 59 MB back (10,000 models). */
  manifestArtifact: unknown;
}

export interface GenerateDocsOptions {
  vars?: Record<string, unknown>;
  select?: string[];
  exclude?: string[];
  /** dbt's `--empty-catalog`: write a catalog without asking the warehouse. */
  emptyCatalog?: boolean;
}

/** Compile, read the catalog, write manifest.json and catalog.json under the project's target path. */
export async function generateDocsArtifacts(options: CommonOptions, docs: GenerateDocsOptions = {}): Promise<DocsArtifacts> {
  const startedAt = new Date();
  const invocationId = `docs-${startedAt.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${process.pid}`;
  const { manifest, files } = compileWithFiles(options, docs.vars ?? {});
  const only = docs.select?.length || docs.exclude?.length
    ? selectNodes(buildGraph(manifest), docs.select ?? [], docs.exclude ?? [])
    : undefined;
  let catalog: CatalogArtifact;
  if (docs.emptyCatalog) {
    catalog = { metadata: artifactMetadata(CATALOG_SCHEMA, { invocationId, generatedAt: new Date() }), nodes: {}, sources: {}, errors: null };
  } else {
    const { warehouse, close } = await openCliWarehouse(options);
    try {
      catalog = await generateCatalog(warehouse, manifest, { invocationId, generatedAt: new Date(), only });
    } finally {
      await close();
    }
  }
  const artifacts = targetArtifacts({ projectDir: options.projectDir, manifest, invocationId, startedAt, catalog, compiledCode: true, docs: projectDocsOf(files) });
  const written = writeArtifactFiles(options.projectDir, artifacts);
  return { manifest, catalog, targetDir: targetDir(options.projectDir), written, manifestArtifact: artifacts.get(TARGET_FILES.manifest) };
}

async function docsGenerateCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    select: { type: 'string', short: 's', multiple: true },
    exclude: { type: 'string', multiple: true },
    vars: { type: 'string' },
    'empty-catalog': { type: 'boolean' },
    // The docs site (src/docs-site): `--single-file` writes one self-contained HTML file; `--out` where it goes.
    'single-file': { type: 'boolean' },
    out: { type: 'string' },
  });
  const options = commonOptions(values);
  const started = Date.now();
  const result = await generateDocsArtifacts(options, {
    vars: parseVars(values.vars as string | undefined),
    select: selectors(values.select as string[] | undefined),
    exclude: selectors(values.exclude as string[] | undefined),
    emptyCatalog: Boolean(values['empty-catalog']),
  });
  const tables = Object.keys(result.catalog.nodes).length + Object.keys(result.catalog.sources).length;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ target: result.targetDir, files: result.written, catalog_entries: tables, errors: result.catalog.errors })}\n`);
  } else {
    for (const error of result.catalog.errors ?? []) process.stdout.write(`[WARNING] ${error}\n`);
    process.stdout.write(`Catalog: ${tables} relations.\nWrote ${result.written.map((f) => f).join(', ')} in ${Date.now() - started} ms.\n`);
  }
  const site = await (require('./docs-site-command') as typeof import('./docs-site-command'))
    .writeDocsSite(options, result, { singleFile: Boolean(values['single-file']), out: values.out as string | undefined });
  if (!options.json) process.stdout.write(`${site}\n`);
  return 0;
}
