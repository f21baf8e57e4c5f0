/**
 * landfall's dbt artifacts against dbt's published JSON schemas (manifest v12, run_results v6, sources v3,
 * catalog v1), for the sample project (dbt/) and two compat projects built for real on PGlite: jaffle_mart (a test
 * failing on purpose, skipped nodes) and selectors (sources with freshness: pass, warn and error).
 *
 * The schemas are read from LANDFALL_DBT_SCHEMAS_DIR (default ../shared/reference/dbt-artifact-schemas next to the
 * repository, as the package suites read ../shared/dbt-packages); without them the suite says SKIPPED loudly.
 * The same validator must reject a broken artifact, so a pass means something.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dialects, type Manifest } from '../../src/engine';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { checkSourceFreshness } from '../../src/engine/freshness/check-freshness';
import { runToCompletion } from '../../src/cli/local-build';
import { manifestArtifact } from '../../src/artifacts/manifest-artifact';
import { projectDocsOf } from '../../src/artifacts/project-docs';
import { runResultsArtifact } from '../../src/artifacts/run-results-artifact';
import { sourcesArtifact } from '../../src/artifacts/sources-artifact';
import { generateCatalog } from '../../src/artifacts/catalog';
import { compiledCodeOf } from '../../src/artifacts/target-files';
import { runHistoryRecord } from '../../src/artifacts/run-history';
import { usePGliteWarehouse } from '../support/pglite-warehouse';
import { validate, type Schema } from './json-schema';
import { withSkipReason } from '../support/skip-reason';

const REPO = path.resolve(__dirname, '..', '..');
const SCHEMAS = process.env.LANDFALL_DBT_SCHEMAS_DIR ?? path.resolve(REPO, '..', 'shared', 'reference', 'dbt-artifact-schemas');
const present = fs.existsSync(path.join(SCHEMAS, 'manifest-v12.json'));
if (!present) console.warn(`SKIPPED: dbt artifact schemas not found in ${SCHEMAS} (set LANDFALL_DBT_SCHEMAS_DIR)`);

const schema = (file: string): Schema => JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), 'utf8')) as Schema;
const meta = { invocationId: 'schema-test', generatedAt: new Date('2026-12-05T06:00:00Z') };

function compile(dir: string, schemaName: string, vars: Record<string, unknown> = {}): { manifest: Manifest; files: ReturnType<typeof readProjectFiles> } {
  const files = readProjectFiles(dir);
  return { files, manifest: compileManifest(files, { target: { name: 'dev', type: 'postgres', schema: schemaName, database: 'dev' }, cliVars: vars }) };
}

(present ? describe : describe.skip)(withSkipReason('dbt artifact JSON schemas', present ? undefined : `dbt's JSON schemas are not in ${SCHEMAS}`), () => {
  const db = usePGliteWarehouse();
  const manifestSchema = present ? schema('manifest-v12.json') : true;

  it('the sample project and jaffle_mart: manifest.json v12, with docs, compiled code and without (a Lambda)', () => {
    for (const dir of [path.join(REPO, 'dbt'), path.join(REPO, 'tests', 'compat', 'projects', 'jaffle_mart')]) {
      const { manifest, files } = compile(dir, 'analytics');
      const full = manifestArtifact({ ...meta, manifest, docs: projectDocsOf(files), compiledCode: compiledCodeOf(manifest, meta.generatedAt) });
      expect(validate(manifestSchema, full)).toEqual([]);
      expect(validate(manifestSchema, manifestArtifact({ ...meta, manifest }))).toEqual([]);
      expect(Object.keys(full.nodes as object).length).toBeGreaterThan(10);
    }
  });

  it('rejects a broken manifest, naming where (the validator is not a pass-through)', () => {
    const { manifest } = compile(path.join(REPO, 'dbt'), 'analytics');
    const artifact = manifestArtifact({ ...meta, manifest }) as { nodes: Record<string, Record<string, unknown>> };
    const node = artifact.nodes['model.landfall_demo.fct_transfers']!;
    delete node.checksum;
    node.resource_type = 'model';
    const errors = validate(manifestSchema, artifact);
    expect(errors.join('\n')).toContain('model.landfall_demo.fct_transfers');
    expect(validate(schema('run-results-v6.json'), { metadata: { dbt_schema_version: 'x', extra: 1 }, results: [], elapsed_time: 0 })).toEqual([expect.stringContaining("unexpected property 'extra'")]);
  });

  it('a real build of jaffle_mart: run_results.json v6 (fail, skipped) and catalog.json v1; the run history record too', async () => {
    const { manifest } = compile(path.join(REPO, 'tests', 'compat', 'projects', 'jaffle_mart'), 'schema_jm');
    const state = await runToCompletion(manifest, { runId: 'schema-jm', command: 'build', select: [], exclude: [], fullRefresh: false, vars: {} }, { dialect: dialects.postgres, warehouse: db.warehouse });
    const results = runResultsArtifact({ state, manifest, args: { which: 'build', threads: 4 }, elapsedSeconds: 1.5, generatedAt: new Date() });
    expect(validate(schema('run-results-v6.json'), results)).toEqual([]);
    expect(new Set(results.results.map((r) => r.status))).toEqual(new Set(['success', 'pass', 'fail', 'skipped']));
    const catalog = await generateCatalog(db.warehouse, manifest);
    expect(validate(schema('catalog-v1.json'), catalog)).toEqual([]);
    expect(catalog.nodes['model.jaffle_mart.orders']?.columns.order_id).toEqual({ type: 'integer', index: 1, name: 'order_id', comment: null });
    expect(catalog.nodes['seed.jaffle_mart.raw_orders']?.stats.num_bytes?.value).toBeGreaterThan(0);
    // a model skipped because its upstream test failed was never built: not in the catalog, as in dbt's
    expect(catalog.nodes['model.jaffle_mart.customers']).toBeUndefined();
    // The Redshift catalog SQL (late-binding view columns, SVV_TABLE_INFO) on the local engine's Redshift shims:
    // exact row counts for tables with rows, no stats for views, as Redshift's SVV_TABLE_INFO.
    const redshift = await generateCatalog(db.warehouse, { ...manifest, target: { ...manifest.target, type: 'redshift' } });
    expect(validate(schema('catalog-v1.json'), redshift)).toEqual([]);
    expect(redshift.errors).toBeNull();
    expect(redshift.nodes['seed.jaffle_mart.raw_orders']?.stats.num_rows?.value).toBe(7);
    expect(redshift.nodes['model.jaffle_mart.stg_orders']?.stats).toEqual({ has_stats: expect.objectContaining({ value: false }) });
    expect(Object.keys(redshift.nodes).sort()).toEqual(Object.keys(catalog.nodes).sort());
    const record = runHistoryRecord({ manifest, run: state, execution: { arn: 'arn:aws:states:us-east-1:123456789012:execution:m:x', name: 'x' }, trigger: { kind: 'console', description: 'test' } });
    expect(validate(schema('run-results-v6.json'), record.runResults)).toEqual([]);
    expect(validate(manifestSchema, JSON.parse(record.manifest!.json()))).toEqual([]);
  });

  it('source freshness of the selectors project: sources.json v3 with pass, warn, error and runtime error, and sources in the catalog', async () => {
    const dir = path.join(REPO, 'tests', 'compat', 'projects', 'selectors');
    const { manifest } = compile(dir, 'schema_sel', { raw_schema: 'schema_sel_raw' });
    await db.engine.query('create schema if not exists schema_sel_raw');
    for (const statement of fs.readFileSync(path.join(dir, 'setup.sql'), 'utf8').replaceAll('{{raw}}', 'schema_sel_raw').split(';').map((s) => s.trim()).filter(Boolean)) {
      await db.engine.query(statement);
    }
    const ids = Object.keys(manifest.sources);
    const results = await checkSourceFreshness(manifest, db.warehouse, ids);
    const artifact = sourcesArtifact({ ...meta, results: [...results, { uniqueId: 'source.selectors.raw.gone', sourceName: 'raw', tableName: 'gone', status: 'runtime error', criteria: {}, error: 'relation does not exist' }], elapsedSeconds: 0.2 });
    expect(validate(schema('sources-v3.json'), artifact)).toEqual([]);
    expect((artifact.results as { status: string }[]).map((r) => r.status).sort()).toEqual(['error', 'runtime error', 'warn']);
    const catalog = await generateCatalog(db.warehouse, manifest);
    expect(validate(schema('catalog-v1.json'), catalog)).toEqual([]);
    expect(Object.keys(catalog.sources).sort()).toEqual(ids.sort());
  });
});
