/**
 * A model's parse render stands in for its compile render (src/engine/render/parse-render-reuse.ts) only when it
 * read nothing the compile render sees otherwise: each case below reads one such thing and must render again; and
 * over whole projects (the realistic generator's, dbt/, the packages' integration projects) every reused SQL equals
 * a fresh render of the model, byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateRealisticProject } from '../../../bench/support/realistic-project';
import type { Manifest, ModelNode } from '../../../src/engine/manifest';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { readProjectFiles } from '../../../src/engine/project/project-files';
import { compiledSqlOf } from '../../../src/engine/render/compiled-sql';
import { reusedParseRender } from '../../../src/engine/render/parse-render-reuse';
import { refsEphemeralModel, relationOfRef, renderNodeSql, varsOfNode } from '../../../src/engine/render/render-node';
import { findSource } from '../../../src/engine/manifest';
import { printedRelation } from '../../../src/engine/render/parse-render-reuse';
import { RelationRef } from '../../../src/engine/render/relation';
import { inTempDir, testEachPackageProject, testWithPackages } from '../../support/real-projects';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };
const startedAt = new Date('2026-12-05T06:00:00Z');

function reused(manifest: Manifest, model: ModelNode): string | undefined {
  return reusedParseRender(manifest, model, () => ({
    printed: (call, args) => {
      if (call === 'ref' && refsEphemeralModel(manifest, args[0]!)) return undefined;
      const source = call === 'source' ? findSource(manifest, args[0]!, args[1]!) : undefined;
      const relation = call === 'source' ? source && RelationRef.inDatabase(source.relation, manifest.target.database) : relationOfRef(manifest, args[0]!);
      return relation && printedRelation(relation);
    },
    vars: varsOfNode(manifest, model, manifest.vars),
  }))?.sql;
}

function fresh(manifest: Manifest, model: ModelNode): string | undefined {
  try {
    return renderNodeSql(manifest, model, { vars: manifest.vars, isIncremental: false, invocationId: 'compile', runStartedAt: startedAt });
  } catch {
    return undefined;
  }
}

/** A project of `models` (name → SQL) over the macros and YAML given; compiled. */
function compileFiles(models: Record<string, string>, extra: Record<string, string> = {}): Manifest {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-parse-reuse-'));
  try {
    const files: Record<string, string> = {
      'dbt_project.yml': 'name: shop\nversion: "1.0.0"\nprofile: shop\nvars:\n  region: eu\nmodels:\n  shop:\n    marts:\n      +schema: marts\n',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
      ...Object.fromEntries(Object.entries(models).map(([name, sql]) => [`models/${name.startsWith('m_') ? 'marts/' : ''}${name}.sql`, sql])),
      ...extra,
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return compileManifest(readProjectFiles(dir), { target });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('a parse render standing in for the compile render', () => {
  const models: Record<string, string> = {
    base: "select 1 as id from {{ source('raw', 'orders') }}",
    plain_ref: "{% set cols = ['id'] %}select {% for c in cols %}{{ c }}{% endfor %} from {{ ref('base') }}",
    this_default: '{% if true %}select * from {{ this }}{% endif %}',
    var_read: "select '{{ var('region') }}' as r, '{{ var('missing', 'dflt') }}' as d from {{ ref('base') }}",
    m_target: 'select 1 as id',
    ref_custom_schema: "select * from {{ ref('m_target') }}",
    m_z_ref_known: "{% if true %}select * from {{ ref('m_target') }}{% endif %}",
    m_this_custom: 'select * from {{ this }}',
    reads_execute: "{% if execute %}select 2{% else %}select 1{% endif %} as x from {{ ref('base') }}",
    reads_graph: "select {{ graph.nodes | length }} as n from {{ ref('base') }}",
    reads_invocation: "select '{{ invocation_id }}' as i",
    reads_started: "select '{{ run_started_at }}' as t",
    asks_catalog: "{% set r = adapter.get_relation(database=none, schema='analytics', identifier='base') %}select {{ 1 if r else 0 }} as found",
    runs_query: "{% set rows = run_query('select 1') %}select 1 as x",
    config_get_yaml: "{{ config(tags=['a']) }}select '{{ config.get('materialized') }}' as m from {{ ref('base') }}",
    config_get_default: "select '{{ config.get('materialized') }}' as m from {{ ref('base') }}",
    config_get_same: "{{ config(alias='config_get_same') }}select '{{ config.get('alias') }}' as a from {{ ref('base') }}",
    sets_execute: '{% set execute = true %}select {{ execute }} as e',
    reads_modules: "select '{{ modules.datetime.date(2026, 1, 2) }}' as d",
    env_read: "select '{{ env_var('LANDFALL_PARSE_REUSE_TEST', 'unset') }}' as e",
  };
  const yaml = 'version: 2\nmodels:\n  - name: config_get_yaml\n    config:\n      materialized: table\n';
  let manifest: Manifest;
  const byName = (name: string) => Object.values(manifest.models).find((m) => m.name === name)!;
  beforeAll(() => {
    process.env.LANDFALL_PARSE_REUSE_TEST = 'at parse';
    manifest = compileFiles(models, { 'models/props.yml': yaml });
  });
  afterAll(() => {
    delete process.env.LANDFALL_PARSE_REUSE_TEST;
  });

  it.each(['plain_ref', 'this_default', 'var_read', 'config_get_same', 'config_get_yaml', 'sets_execute', 'env_read', 'm_z_ref_known'])(
    '%s: reused, equal to a fresh render',
    (name) => {
      const model = byName(name);
      expect(reused(manifest, model)).toBeDefined();
      expect(reused(manifest, model)).toBe(fresh(manifest, model));
    },
  );

  it.each([
    ['ref_custom_schema', 'a ref to a model not parsed yet printed a placeholder in the target schema'],
    ['m_this_custom', '`this` in a custom schema'],
    ['reads_execute', '`execute` is false at parse time'],
    ['reads_graph', '`graph` is empty at parse time'],
    ['reads_invocation', 'another invocation id'],
    ['reads_started', 'another run_started_at'],
    ['asks_catalog', 'a catalog question has no answer at parse time'],
    ['runs_query', 'run_query runs nothing at parse time'],
    ['config_get_default', 'config.get saw no materialization at parse time, the default one at compile time'],
    ['reads_modules', 'modules'],
  ])('%s: renders again (%s), and compiledSqlOf equals a fresh render', (name) => {
    const model = byName(name);
    expect(reused(manifest, model)).toBeUndefined();
    const compiled = (() => {
      try {
        return compiledSqlOf(manifest, model, startedAt);
      } catch {
        return undefined; // needs the warehouse: no compiled code, as compiledCodeOf gives
      }
    })();
    expect(compiled).toBe(fresh(manifest, model));
  });

  it('config.get reads the same at parse and compile time when the levels set the key: reused', () => {
    expect(reused(manifest, byName('config_get_same'))).toContain("'config_get_same'");
    expect(reused(manifest, byName('config_get_yaml'))).toContain("'table'");
    expect(fresh(manifest, byName('config_get_default'))).toContain("'view'");
  });

  it('an env var changed since the parse, a var changed, or another text: renders again', () => {
    const model = byName('env_read');
    process.env.LANDFALL_PARSE_REUSE_TEST = 'later';
    expect(reused(manifest, model)).toBeUndefined();
    expect(compiledSqlOf(manifest, model, startedAt)).toContain("'later'");
    process.env.LANDFALL_PARSE_REUSE_TEST = 'at parse';
    const varRead = byName('var_read');
    expect(reused({ ...manifest }, varRead)).toBeUndefined(); // another manifest object: nothing kept for it
    const vars = manifest.vars;
    manifest.vars = { ...vars, region: 'us' };
    try {
      expect(reused(manifest, varRead)).toBeUndefined();
    } finally {
      manifest.vars = vars;
    }
    expect(reused(manifest, { ...varRead, rawSql: `${varRead.rawSql} ` })).toBeUndefined();
  });
});

/** Every model of a project: a reused SQL equals a fresh render; returns how many were reused. */
function expectReusedEqualFresh(dir: string): { reused: number; models: number } {
  const manifest = compileManifest(readProjectFiles(dir), { target });
  let count = 0;
  for (const model of Object.values(manifest.models)) {
    const sql = reused(manifest, model);
    if (sql === undefined) continue;
    count++;
    expect([model.uniqueId, sql]).toEqual([model.uniqueId, fresh(manifest, model)]);
  }
  return { reused: count, models: Object.keys(manifest.models).length };
}

describe('whole projects: reused SQL is the compile render\'s', () => {
  testWithPackages('parse-render-reuse')('the realistic generator\'s project (200 models, dbt_utils)', () => {
    inTempDir('landfall-reuse-realistic-', (dir) => {
      generateRealisticProject(dir, 200);
      const { reused: count, models } = expectReusedEqualFresh(dir);
      expect(models).toBe(200);
      expect(count).toBeGreaterThanOrEqual(199); // all but the first render, which defines the macros
    });
  }, 60_000);

  test('the demo project (dbt/)', () => {
    expect(expectReusedEqualFresh(path.resolve(__dirname, '../../../dbt')).models).toBeGreaterThan(0);
  });

  testEachPackageProject('parse-render-reuse', 'reuse', (dir) => {
    expect(expectReusedEqualFresh(dir).reused).toBeGreaterThan(0);
  });
});
