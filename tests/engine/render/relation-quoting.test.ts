/**
 * Relation names as dbt-postgres prints them: `quoting` (source, table and project level) and a source's
 * `database`. Expected strings are what `dbt compile` (dbt-core 1.10) printed for the same YAML (three parts,
 * the target's database where a source names none).
 */
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { RelationRef, mergeQuoting, qualified } from '../../../src/engine/render/relation';
import { renderNodeSql } from '../../../src/engine/render/render-node';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'landfall' };

const sourcesYaml = {
  version: 2,
  sources: [
    { name: 'plain', schema: 'raw', tables: [{ name: 'Orders' }] },
    { name: 'same_db', database: 'landfall', schema: 'raw', tables: [{ name: 'Orders' }] },
    { name: 'other_db', database: 'OtherDb', schema: 'Raw', tables: [{ name: 'Orders' }] },
    {
      name: 'unquoted',
      schema: 'Raw',
      quoting: { database: false, schema: false, identifier: false },
      tables: [{ name: 'Orders' }, { name: 'Customers', quoting: { identifier: true } }],
    },
    {
      name: 'ident',
      database: 'lake',
      schema: 'raw',
      quoting: { identifier: false },
      tables: [{ name: 'Orders', identifier: 'order_rows' }, { name: 'Lines', quoting: { database: false } }],
    },
  ],
};

const model = (name: string, text: string) => ({ file: `models/${name}.sql`, relative: `${name}.sql`, text });

function projectWith(extra: Partial<ProjectFiles> = {}): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'p' },
    models: [
      model('names', [
        "'{{ source('plain', 'Orders') }}'",
        "'{{ source('same_db', 'Orders') }}'",
        "'{{ source('other_db', 'Orders') }}'",
        "'{{ source('unquoted', 'Orders') }}'",
        "'{{ source('unquoted', 'Customers') }}'",
        "'{{ source('ident', 'Orders') }}'",
        "'{{ source('ident', 'Lines') }}'",
      ].join('\n')),
      model('base', 'select 1 as id'),
      model('uses_ref', "select * from {{ ref('base') }} -- {{ this }}"),
    ],
    singularTests: [],
    macros: [],
    seeds: [],
    properties: [{ file: 'models/sources.yml', content: sourcesYaml }],
    ...extra,
  };
}

const renderModel = (files: ProjectFiles, name: string) => {
  const manifest = compileManifest(files, { target });
  return renderNodeSql(manifest, manifest.models[`model.p.${name}`]!, { vars: {}, isIncremental: false, invocationId: 'r', runStartedAt: new Date(0) });
};

describe('source relation names', () => {
  it('prints each source as dbt-postgres does, with the target database when the source names none', () => {
    expect(renderModel(projectWith(), 'names').split('\n')).toEqual([
      `'"landfall"."raw"."Orders"'`,
      `'"landfall"."raw"."Orders"'`,
      `'"OtherDb"."Raw"."Orders"'`,
      `'landfall.Raw.Orders'`,
      `'landfall.Raw."Customers"'`,
      `'"lake"."raw".order_rows'`,
      `'lake."raw".Lines'`,
    ]);
  });

  it('keeps database and quoting on the compiled source relation', () => {
    const manifest = compileManifest(projectWith(), { target });
    expect(manifest.sources['source.p.ident.Lines']!.relation).toEqual({
      schema: 'raw', identifier: 'Lines', database: 'lake', quoting: { identifier: false, database: false },
    });
    expect(manifest.sources['source.p.same_db.Orders']!.relation).toEqual({ schema: 'raw', identifier: 'Orders' });
  });
});

describe('project-level quoting', () => {
  it('applies to refs and this, not to sources', () => {
    const files = projectWith({ project: { name: 'p', quoting: { identifier: false } } as ProjectFiles['project'] });
    expect(renderModel(files, 'uses_ref')).toBe('select * from "landfall"."analytics".base -- "landfall"."analytics".uses_ref');
    expect(renderModel(files, 'names').split('\n')[0]).toBe(`'"landfall"."raw"."Orders"'`);
  });

  it('quotes every part when the project sets nothing', () => {
    expect(renderModel(projectWith(), 'uses_ref')).toBe('select * from "landfall"."analytics"."base" -- "landfall"."analytics"."uses_ref"');
  });
});

describe('RelationRef', () => {
  it('include() prints only the parts left true, by keyword or position', () => {
    const ref = new RelationRef('raw', 'orders', 'lake');
    expect(String(ref)).toBe('"lake"."raw"."orders"');
    expect(String(ref.include({ database: false, __keywords: true }))).toBe('"raw"."orders"');
    expect(String(ref.include(false, false))).toBe('"orders"');
    expect(String(ref.include({ schema: false }).include({ database: false }))).toBe('"orders"');
  });

  it('keeps quoting through include()', () => {
    const ref = RelationRef.of({ schema: 'raw', identifier: 'Orders', quoting: { identifier: false } });
    expect(String(ref.include({ schema: false }))).toBe('Orders');
  });
});

describe('qualified', () => {
  it('escapes quotes inside quoted parts and prints unquoted parts as they are', () => {
    expect(qualified({ schema: 'we"ird', identifier: 't' })).toBe('"we""ird"."t"');
    expect(qualified({ database: 'db', schema: 's', identifier: 't', quoting: { database: false, schema: false } })).toBe('db.s."t"');
  });
});

describe('mergeQuoting', () => {
  it('lets later levels override earlier ones and ignores what is not a boolean', () => {
    expect(mergeQuoting({ identifier: false, schema: false }, { identifier: true, database: 'no' }, undefined)).toEqual({ identifier: true, schema: false });
    expect(mergeQuoting(undefined, {})).toBeUndefined();
  });
});
