/**
 * serve's recompile from model edits (src/engine/project/model-edits.ts): when saved models make the same
 * ref/source/config calls, the manifest from the last one equals a full compile's; any other change is left to the
 * full compile. And the watcher's JSON writer gives JSON.stringify's text on both paths.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { recompileModelEdits } from '../../../src/engine/project/model-edits';
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
});
