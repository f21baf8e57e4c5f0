import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { compileProject } from '../../../src/engine/project/compile-project';
import { PARTIAL_PARSE_FILE, PartialParseCache } from '../../../src/engine/project/partial-parse';
import { readProjectFiles } from '../../../src/engine/project/project-files';
import type { Manifest } from '../../../src/engine/manifest';

const target = { name: 'local', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

/**
 * A project whose rendered models depend on each thing an edit can change: `flagged` on a var, `picked` on
 * a macro, `configured` on its YAML config, `from_env` on an environment variable; `plain` and `downstream`
 * are read by the static parser.
 */
const PROJECT: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nvars:\n  use_orders: false\nmodels:\n  shop:\n    +materialized: view\n',
  'macros/pick.sql': "{% macro pick_upstream() %}{{ return(ref('plain')) }}{% endmacro %}\n",
  'models/plain.sql': "{{ config(tags=['base']) }}\nselect 1 as id\n",
  'models/orders.sql': 'select 2 as id\n',
  'models/downstream.sql': "select * from {{ ref('plain') }}\n",
  'models/flagged.sql': "{% if var('use_orders') %}select * from {{ ref('orders') }}{% else %}select * from {{ ref('plain') }}{% endif %}\n",
  'models/picked.sql': 'select * from {{ pick_upstream() }}\n',
  'models/configured.sql': "{% if config.get('materialized') == 'table' %}select * from {{ ref('orders') }}{% else %}select 3 as id{% endif %}\n",
  'models/from_env.sql': "{{ config(materialized=env_var('LANDFALL_TEST_MATERIALIZED', 'view')) }}\nselect 4 as id\n",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: plain',
    '    columns:',
    '      - name: id',
    '        data_tests: [unique, not_null]',
    '  - name: configured',
    '    config:',
    '      materialized: view',
    '',
  ].join('\n'),
  'tests/no_negative_ids.sql': "select * from {{ ref('downstream') }} where id < 0\n",
};

let dir: string;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

function edit(file: string, change: (text: string) => string): void {
  write(file, change(fs.readFileSync(path.join(dir, file), 'utf8')));
}

/** Manifests compared without the compile time. */
function comparable(manifest: Manifest): unknown {
  return JSON.parse(JSON.stringify({ ...manifest, compiledAt: '' }));
}

function fullParse(): unknown {
  return comparable(compileManifest(readProjectFiles(dir), { target }));
}

let compiles = 0;
/** A compile with `cache` that links the whole project: each writes its own artifact, so none is patched from the last (model-edits.ts, tested there). */
function compileWith(cache: PartialParseCache): Manifest {
  return compileProject(dir, target, path.join(dir, '.landfall', `landfall-manifest-${compiles++}.json`), undefined, cache);
}

const cacheFile = () => path.join(dir, '.landfall', PARTIAL_PARSE_FILE);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-partial-parse-'));
  for (const [file, text] of Object.entries(PROJECT)) write(file, text);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Class: PartialParseCache', () => {
  it('parses only the files that changed since the last compile', () => {
    // Prepare
    const cache = PartialParseCache.open(cacheFile());
    compileWith(cache);
    expect(cache.stats).toEqual({ read: 10, reused: 0, parsed: 9 }); // 10 files; 7 models, 1 singular test, 1 YAML file parsed

    // Act
    edit('models/plain.sql', (text) => `${text}-- changed\n`);
    compileWith(cache);

    // Assess
    expect(cache.stats).toMatchObject({ reused: 8, parsed: 1 });
  });

  it('reuses the saved cache in a new process, and parses nothing when nothing changed', () => {
    compileWith(PartialParseCache.open(cacheFile()));

    const reopened = PartialParseCache.open(cacheFile());
    const manifest = compileWith(reopened);

    expect(reopened.stats).toMatchObject({ reused: 9, parsed: 0 });
    expect(comparable(manifest)).toEqual(fullParse());
  });

  const edits: [string, () => void, (manifest: Manifest) => void][] = [
    ['a model is edited', () => edit('models/downstream.sql', () => "select * from {{ ref('orders') }}\n"),
      (m) => expect(m.models['model.shop.downstream']!.dependsOn).toEqual(['model.shop.orders'])],
    ['a model is added', () => write('models/added.sql', "{{ config(materialized='table') }}\nselect * from {{ ref('plain') }}\n"),
      (m) => expect(m.models['model.shop.added']!.config.materialized).toBe('table')],
    ['a model is deleted', () => fs.rmSync(path.join(dir, 'models/picked.sql')),
      (m) => expect(m.models['model.shop.picked']).toBeUndefined()],
    ['a YAML file is edited', () => edit('models/schema.yml', (text) => text.replace('materialized: view', 'materialized: table').replace('[unique, not_null]', '[unique]')),
      (m) => {
        expect(m.models['model.shop.configured']!.dependsOn).toEqual(['model.shop.orders']);
        expect(Object.keys(m.tests)).not.toContain('test.shop.not_null_plain_id');
      }],
    ['a macro is edited', () => edit('macros/pick.sql', (text) => text.replace("ref('plain')", "ref('orders')")),
      (m) => expect(m.models['model.shop.picked']!.dependsOn).toEqual(['model.shop.orders'])],
    ['a var in dbt_project.yml is edited', () => edit('dbt_project.yml', (text) => text.replace('use_orders: false', 'use_orders: true')),
      (m) => expect(m.models['model.shop.flagged']!.dependsOn).toEqual(['model.shop.orders'])],
    ['an environment variable a model reads is set', () => { process.env.LANDFALL_TEST_MATERIALIZED = 'table'; },
      (m) => expect(m.models['model.shop.from_env']!.config.materialized).toBe('table')],
  ];

  afterEach(() => {
    delete process.env.LANDFALL_TEST_MATERIALIZED;
  });

  it.each(edits)('gives the manifest of a full parse after %s, in-process and across processes', (_name, change, assertChanged) => {
    // Prepare: one cache kept in memory, and one saved by a previous process.
    const inMemory = new PartialParseCache();
    compileWith(inMemory);
    compileWith(PartialParseCache.open(cacheFile()));
    const before = fullParse();

    // Act
    change();
    const fromMemory = compileWith(inMemory);
    const fromDisk = compileWith(PartialParseCache.open(cacheFile()));

    // Assess
    const expected = fullParse();
    expect(expected).not.toEqual(before);
    expect(comparable(fromMemory)).toEqual(expected);
    expect(comparable(fromDisk)).toEqual(expected);
    assertChanged(fromMemory);
  });

  it('keeps reusing rendered files when an environment variable no render read changes, and re-renders one that read it', () => {
    compileWith(PartialParseCache.open(cacheFile()));

    process.env.LANDFALL_TEST_UNREAD = `changed-${Date.now()}`;
    const unrelated = PartialParseCache.open(cacheFile());
    compileWith(unrelated);
    delete process.env.LANDFALL_TEST_UNREAD;
    process.env.LANDFALL_TEST_MATERIALIZED = 'table';
    const read = PartialParseCache.open(cacheFile());
    const manifest = compileWith(read);

    expect(unrelated.stats).toMatchObject({ reused: 9, parsed: 0 });
    expect(read.stats).toMatchObject({ reused: 8, parsed: 1 });
    expect(manifest.models['model.shop.from_env']!.config.materialized).toBe('table');
  });

  it('keeps the compiled code of the macro source beside the cache, and a macro syntax error still names its file and line', () => {
    // A macro source this process has not compiled yet (compiled templates are also kept in memory).
    edit('macros/pick.sql', (text) => `${text}{# ${Date.now()} #}\n`);
    compileWith(PartialParseCache.open(cacheFile()));
    const codeDir = path.join(dir, '.landfall', 'template-code');
    expect(fs.readdirSync(codeDir)).toEqual([expect.stringMatching(/^[0-9a-f]{40}\.js$/)]);
    expect(fs.readFileSync(path.join(codeDir, fs.readdirSync(codeDir)[0]!), 'utf8')).toContain('pick_upstream');

    edit('macros/pick.sql', (text) => `\n${text}\n{% macro broken() %}{{ 1 + }}{% endmacro %}\n`);
    expect(() => compileWith(PartialParseCache.open(cacheFile()))).toThrow(/macros\/pick\.sql:5: unexpected token/);
  });

  it('reads again only the files whose size or modification time changed', () => {
    // Prepare: files last modified an hour ago.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    for (const file of Object.keys(PROJECT)) fs.utimesSync(path.join(dir, file), anHourAgo, anHourAgo);
    const cache = PartialParseCache.open(cacheFile());
    compileWith(cache);

    // Act
    compileWith(PartialParseCache.open(cacheFile()));
    const unchanged = PartialParseCache.open(cacheFile());
    compileWith(unchanged);
    edit('models/plain.sql', (text) => `${text}-- changed\n`);
    const edited = PartialParseCache.open(cacheFile());
    const manifest = compileWith(edited);

    // Assess
    expect(unchanged.stats).toEqual({ read: 0, reused: 9, parsed: 0 });
    expect(edited.stats).toEqual({ read: 1, reused: 8, parsed: 1 });
    expect(manifest.models['model.shop.plain']!.rawSql).toContain('-- changed');
  });

  it('reads a file again when it was modified just before it was read, even if size and time then stay the same', () => {
    // Prepare: an edit a moment ago, read by the first compile.
    const aMomentAgo = new Date(Date.now() - 100);
    write('models/orders.sql', 'select 2 as id\n');
    fs.utimesSync(path.join(dir, 'models/orders.sql'), aMomentAgo, aMomentAgo);
    const cache = new PartialParseCache();
    compileWith(cache);

    // Act: another edit with the same size, in the same timestamp tick.
    write('models/orders.sql', 'select 3 as id\n');
    fs.utimesSync(path.join(dir, 'models/orders.sql'), aMomentAgo, aMomentAgo);
    const manifest = compileWith(cache);

    // Assess
    expect(manifest.models['model.shop.orders']!.rawSql).toBe('select 3 as id\n');
  });

  it('forgets deleted files, so the saved cache does not grow', () => {
    compileWith(PartialParseCache.open(cacheFile()));
    fs.rmSync(path.join(dir, 'models/picked.sql'));

    compileWith(PartialParseCache.open(cacheFile()));

    // The full file, and the delta of changed entries beside it (null: removed since the full file was written).
    const saved = JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as { texts: [string, unknown][]; results: [string, unknown][] };
    const deltaFile = cacheFile().replace(/\.json$/, '.delta.json');
    const delta = fs.existsSync(deltaFile) ? JSON.parse(fs.readFileSync(deltaFile, 'utf8')) as { texts: [string, unknown][]; results: [string, unknown][] } : { texts: [], results: [] };
    const kept = (full: [string, unknown][], changed: [string, unknown][]) => {
      const entries = new Map(full);
      for (const [file, value] of changed) if (value === null) entries.delete(file); else entries.set(file, value);
      return [...entries.keys()];
    };
    expect(delta.results.length + delta.texts.length).toBeGreaterThan(0); // saved as a delta: one file changed
    expect(kept(saved.results, delta.results)).not.toContain('models/picked.sql');
    expect(kept(saved.texts, delta.texts)).not.toContain('models/picked.sql');
    expect(kept(saved.results, delta.results)).toContain('models/plain.sql');
    // A new process reads the delta: nothing to parse again.
    const reopened = PartialParseCache.open(cacheFile());
    compileWith(reopened);
    expect(reopened.stats.parsed).toBe(0);
  });

  it('ignores a cache written by another version', () => {
    compileWith(PartialParseCache.open(cacheFile()));
    const saved = JSON.parse(fs.readFileSync(cacheFile(), 'utf8')) as { version: number };
    fs.writeFileSync(cacheFile(), JSON.stringify({ ...saved, version: saved.version + 1 }));

    const cache = PartialParseCache.open(cacheFile());
    compileWith(cache);

    expect(cache.stats.reused).toBe(0);
  });

  it('starts empty when the cache file is damaged', () => {
    fs.mkdirSync(path.dirname(cacheFile()), { recursive: true });
    fs.writeFileSync(cacheFile(), '{"version": 1, "resu');

    const cache = PartialParseCache.open(cacheFile());
    const manifest = compileWith(cache);

    expect(cache.stats).toEqual({ read: 10, reused: 0, parsed: 9 });
    expect(comparable(manifest)).toEqual(fullParse());
  });

  it('does not cache results JSON cannot keep, such as YAML\'s infinity', () => {
    edit('models/schema.yml', (text) => text.replace('  - name: configured', '  - name: configured\n    meta:\n      max_rows: .inf'));
    const cache = PartialParseCache.open(cacheFile());
    compileWith(cache);

    const manifest = compileWith(cache);

    expect(cache.stats).toMatchObject({ reused: 8, parsed: 1 });
    expect(comparable(manifest)).toEqual(fullParse());
  });

  it('returns copies, so changing a compiled manifest does not change the next one', () => {
    const cache = new PartialParseCache();
    const first = compileWith(cache);
    (first.models['model.shop.plain']!.config.tags as string[]).push('mutated');

    const second = compileWith(cache);

    expect(second.models['model.shop.plain']!.config.tags).toEqual(['base']);
  });
});

describe('Function: compileProject without a parse cache', () => {
  it('writes no cache file', () => {
    compileProject(dir, target, path.join(dir, '.landfall', 'landfall-manifest.json'));

    expect(fs.existsSync(cacheFile())).toBe(false);
  });
});
