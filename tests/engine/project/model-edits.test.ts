/**
 * serve's recompile from model edits (src/engine/project/model-edits.ts): when saved models make the same
 * ref/source/config calls, the manifest from the last one equals a full compile's; any other change is left to the
 * full compile. And the watcher's JSON writer gives JSON.stringify's text on both paths.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { compileProject } from '../../../src/engine/project/compile-project';
import { patchedArtifactText, recompileModelEdits } from '../../../src/engine/project/model-edits';
import { PartialParseCache } from '../../../src/engine/project/partial-parse';
import { readProjectFiles } from '../../../src/engine/project/project-files';
import { manifestJsonWriter } from '../../../src/local/project-watcher';

const JAFFLE = path.resolve(__dirname, '..', '..', 'compat', 'projects', 'jaffle_mart');
const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };
const now = new Date('2026-12-05T13:00:00Z');

describe('recompile from model edits', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-model-edits-'));
    fs.cpSync(JAFFLE, dir, { recursive: true, filter: (f) => !/\/(target|logs)$/.test(f) });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const fullCompile = (cache?: PartialParseCache) => compileManifest(readProjectFiles(dir, { parseCache: cache }), { target, now, parseCache: cache });
  const edit = (file: string, change: (text: string) => string) => fs.writeFileSync(path.join(dir, file), change(fs.readFileSync(path.join(dir, file), 'utf8')));

  it('gives the full compile\'s manifest when saved models make the same calls, twice in a row, and the writer gives JSON.stringify\'s text', () => {
    const cache = new PartialParseCache();
    const writer = manifestJsonWriter();
    const first = fullCompile(cache);
    expect(writer(first).toString()).toBe(JSON.stringify(first));

    edit('models/marts/orders.sql', (text) => text.replace("'gift_card']", "'gift_card', 'voucher']"));
    edit('models/staging/stg_orders.sql', (text) => `-- a comment\n${text}`);
    const quick = recompileModelEdits(dir, ['models/marts/orders.sql', 'models/staging/stg_orders.sql'], cache, now);
    expect(quick).toBeDefined();
    expect(quick!.models['model.jaffle_mart.orders']!.rawSql).toContain('voucher');
    expect(JSON.stringify(quick)).toBe(JSON.stringify(fullCompile()));
    expect(writer(quick!).toString()).toBe(JSON.stringify(quick));
    // Unchanged parts are the last manifest's objects (their JSON text is reused), the edited models are new.
    expect(quick!.tests).toBe(first.tests);
    expect(quick!.models['model.jaffle_mart.customers']).toBe(first.models['model.jaffle_mart.customers']);

    edit('models/marts/orders.sql', (text) => `${text}\n-- again\n`);
    const again = recompileModelEdits(dir, ['models/marts/orders.sql'], cache, now);
    expect(JSON.stringify(again)).toBe(JSON.stringify(fullCompile()));
    expect(writer(again!).toString()).toBe(JSON.stringify(again));
  });

  it('leaves to the full compile: a changed ref, a changed config, a YAML file, a new file, a broken template', () => {
    const cache = new PartialParseCache();
    fullCompile(cache);
    edit('models/marts/customers.sql', (text) => `${text}\n-- {{ ref('stg_payments') }}\n`);
    expect(recompileModelEdits(dir, ['models/marts/customers.sql'], cache, now)).toBeUndefined();
    fullCompile(cache);

    edit('models/marts/customers.sql', (text) => `{{ config(alias='customers_renamed') }}\n${text}`);
    expect(recompileModelEdits(dir, ['models/marts/customers.sql'], cache, now)).toBeUndefined();
    fullCompile(cache);

    edit('models/marts/_marts.yml', (text) => `${text}\n`);
    expect(recompileModelEdits(dir, ['models/marts/_marts.yml'], cache, now)).toBeUndefined();

    fs.writeFileSync(path.join(dir, 'models/marts/new_model.sql'), 'select 1 as n\n');
    expect(recompileModelEdits(dir, ['models/marts/new_model.sql'], cache, now)).toBeUndefined();
    fullCompile(cache);

    edit('models/marts/orders.sql', (text) => `${text}\n{% if %}\n`);
    expect(recompileModelEdits(dir, ['models/marts/orders.sql'], cache, now)).toBeUndefined();
    expect(() => fullCompile(cache)).toThrow(/orders\.sql/);
  });

  describe('across processes (landfall compile): the artifact written last time, trusted through its stamp', () => {
    const out = () => path.join(dir, '.landfall', 'landfall-manifest.json');
    const cacheFile = () => path.join(dir, '.landfall', 'partial-parse.json');
    /** A new process's compile: the cache from disk. Patched, it looks up only the YAML file (read with the project, `reused` 1); linked, every SQL file too. */
    const compileNow = (vars?: Record<string, unknown>) => {
      const cache = PartialParseCache.open(cacheFile());
      const manifest = compileProject(dir, target, out(), vars, cache);
      return { manifest, stats: cache.stats };
    };
    const withoutTime = (manifest: object) => JSON.stringify({ ...manifest, compiledAt: '' });
    const fullNow = (vars?: Record<string, unknown>) => withoutTime(compileManifest(readProjectFiles(dir), { target, cliVars: vars }));

    afterEach(() => {
      delete process.env.LANDFALL_T24_SCHEMA;
    });

    it('patches a saved model into the last artifact, equal to a full compile; anything else links the project again', () => {
      compileNow();
      edit('models/marts/orders.sql', (text) => `${text}\n-- saved\n`);
      let next = compileNow();
      expect(next.stats).toMatchObject({ parsed: 1, reused: 1 }); // orders.sql parsed; no other SQL file looked up
      expect(withoutTime(next.manifest)).toBe(fullNow());
      expect(withoutTime(JSON.parse(fs.readFileSync(out(), 'utf8')))).toBe(fullNow());
      // The artifact was spliced from the last one's text (not serialised): the same bytes as a serialisation.
      expect(patchedArtifactText(next.manifest)).toBeDefined();
      expect(fs.readFileSync(out(), 'utf8')).toBe(JSON.stringify(next.manifest));
      // Two models edited at once, one 1.4 kB longer, one with quotes, a backslash and non-ASCII text: still the serialisation's text.
      edit('models/marts/orders.sql', (text) => `${text}\n-- ${'longer '.repeat(200)}\n`);
      edit('models/staging/stg_orders.sql', (text) => `-- "quoted" \\ and ünïcode\n${text}`);
      next = compileNow();
      expect(patchedArtifactText(next.manifest)).toBeDefined();
      expect(fs.readFileSync(out(), 'utf8')).toBe(JSON.stringify(next.manifest));
      expect(withoutTime(next.manifest)).toBe(fullNow());

      // Nothing changed: the artifact again, nothing parsed.
      next = compileNow();
      expect(next.stats).toMatchObject({ parsed: 0, reused: 1 });
      expect(withoutTime(next.manifest)).toBe(fullNow());

      // --vars differ from the last compile's: linked again.
      next = compileNow({ some_var: 1 });
      expect(next.stats.reused).toBeGreaterThan(1);
      expect(withoutTime(next.manifest)).toBe(fullNow({ some_var: 1 }));

      // A changed ref: linked again, and right.
      edit('models/marts/customers.sql', (text) => `${text}\n-- {{ ref('stg_payments') }}\n`);
      next = compileNow({ some_var: 1 });
      expect(next.manifest.models['model.jaffle_mart.customers']!.dependsOn).toContain('model.jaffle_mart.stg_payments');
      expect(withoutTime(next.manifest)).toBe(fullNow({ some_var: 1 }));

      // The artifact rewritten by someone else (serve's watcher): its stamp no longer matches, linked again.
      fs.writeFileSync(out(), JSON.stringify({ ...next.manifest, models: {} }));
      edit('models/marts/orders.sql', (text) => `${text}\n-- saved again\n`);
      next = compileNow({ some_var: 1 });
      expect(next.stats.reused).toBeGreaterThan(1);
      expect(withoutTime(next.manifest)).toBe(fullNow({ some_var: 1 }));
    });

    it('patches from what the artifact was compiled from, even when another artifact was compiled with the same cache in between', () => {
      compileNow();
      edit('models/staging/stg_orders.sql', (text) => `${text}\n-- saved while packaging\n`);
      const other = path.join(dir, '.landfall', 'aws', 'landfall-manifest.json');
      compileProject(dir, target, other, undefined, PartialParseCache.open(cacheFile()));
      edit('models/marts/orders.sql', (text) => `${text}\n-- saved\n`);
      const next = compileNow();
      expect(next.manifest.models['model.jaffle_mart.stg_orders']!.rawSql).toContain('saved while packaging');
      expect(withoutTime(next.manifest)).toBe(fullNow());
      expect(next.stats.parsed).toBe(1); // orders.sql; stg_orders.sql was parsed by the other compile
    });

    it('links again when an environment variable a YAML file names changes (a source schema read while linking)', () => {
      edit('models/marts/_marts.yml', (text) => `${text}\nsources:\n  - name: ext\n    schema: "{{ env_var('LANDFALL_T24_SCHEMA', 'raw') }}"\n    tables:\n      - name: events\n`);
      compileNow();
      process.env.LANDFALL_T24_SCHEMA = 'elsewhere';
      edit('models/marts/orders.sql', (text) => `${text}\n-- saved\n`);
      const next = compileNow();
      expect(next.manifest.sources['source.jaffle_mart.ext.events']!.relation.schema).toBe('elsewhere');
      expect(withoutTime(next.manifest)).toBe(fullNow());
    });
  });
});
