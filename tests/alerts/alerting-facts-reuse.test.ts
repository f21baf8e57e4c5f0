/**
 * A compile hands its checks the project files it read (YAML parsed once, cached by the partial-parse cache): the
 * alerting facts and target/manifest.json's docs taken from them equal a fresh read of the project from disk, on
 * the first compile and on a recompile served from the cache.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAlertingFacts } from '../../src/alerts/alerting-facts';
import { projectDocsOf, readProjectDocs } from '../../src/artifacts/project-docs';
import { compileProject, PartialParseCache, PARTIAL_PARSE_FILE } from '../../src/engine/compile';
import type { ProjectFiles } from '../../src/engine/project/project-files';
import type { Manifest, Target } from '../../src/engine';

const target: Target = { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' };

const PROJECT: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nversion: "1"\nconfig-version: 2\n',
  'landfall.yml': 'alerts:\n  reminder_interval_hours: 12\n',
  'models/orders.sql': "select 1 as id, 'a@b.c' as email from {{ source('app', 'orders') }}\n",
  'models/customers.sql': "select 1 as id, 'x' as phone\n",
  'models/customers_v2.sql': "select 1 as id, 'x' as phone\n",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: orders',
    '    description: "{{ doc(\'orders_doc\') }}"',
    '    meta: {owner: sales, alerts: {on_failure: true}}',
    '    columns:',
    '      - name: Email',
    '        meta: {pii: true}',
    '      - name: id',
    '  - name: customers',
    '    config: {meta: {owner: crm}}',
    '    columns:',
    '      - name: phone',
    '        tags: [pii]',
    '      - name: id',
    '        config: {tags: [pii]}',
    'sources:',
    '  - name: app',
    '    meta: {owner: platform}',
    '    tables:',
    '      - name: orders',
    '        meta: {alert_emails: [ops@example.com]}',
    '        columns: [{name: card, meta: {pii: true}}]',
    '',
  ].join('\n'),
  'models/docs.md': '{% docs orders_doc %}Every order.{% enddocs %}\n',
  'seeds/plans.csv': 'id,name\n1,basic\n',
  'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: plans\n    meta: {owner: finance}\n    columns: [{name: name}]\n',
  // Not under a model or seed path: the facts never came from here.
  'macros/macros.yml': 'version: 2\nmacros:\n  - name: m\n    description: a macro\n',
  'macros/m.sql': '{% macro m() %}1{% endmacro %}\n',
};

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-alerting-reuse-'));
  for (const [file, text] of Object.entries(PROJECT)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function compileKeepingFiles(cache: PartialParseCache): { manifest: Manifest; files: ProjectFiles } {
  let files: ProjectFiles | undefined;
  const manifest = compileProject(dir, target, path.join(dir, '.landfall', 'm.json'), undefined, cache, [(_, read) => { files = read; }]);
  if (!files) throw new Error('compileProject did not hand its files to the check');
  return { manifest, files };
}

it('gives the same alerting facts and docs from the compile\'s files as from a fresh read, cached or not', () => {
  const cacheFile = path.join(dir, '.landfall', PARTIAL_PARSE_FILE);
  for (const round of ['cold', 'recompile'] as const) {
    const { manifest, files } = compileKeepingFiles(PartialParseCache.open(cacheFile));
    const reused = readAlertingFacts(dir, manifest, files);
    expect(reused).toEqual(readAlertingFacts(dir, manifest));
    expect(projectDocsOf(files)).toEqual(readProjectDocs(dir));
    // The facts are there (an empty pair would be equal too).
    expect(reused.nodes['model.shop.orders']).toEqual({ declaredColumns: ['email', 'id'], piiColumns: ['email'], meta: { owner: 'sales', alerts: { on_failure: true } } });
    expect(reused.nodes['model.shop.customers_v2']).toEqual({ declaredColumns: ['phone', 'id'], piiColumns: ['phone', 'id'], meta: { owner: 'crm' } });
    expect(reused.nodes['source.shop.app.orders']!.meta).toEqual({ owner: 'platform', alert_emails: ['ops@example.com'] });
    expect(reused.nodes['seed.shop.plans']!.meta).toEqual({ owner: 'finance' });
    expect(round === 'cold' || fs.existsSync(cacheFile)).toBe(true);
  }
});

it('reads facts from the model and seed paths the project sets, not from its default folders', () => {
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: shop\nversion: "1"\nmodel-paths: [models]\nseed-paths: [data]\n');
  fs.renameSync(path.join(dir, 'seeds'), path.join(dir, 'data'));
  fs.mkdirSync(path.join(dir, 'seeds'));
  fs.writeFileSync(path.join(dir, 'seeds', 'stray.yml'), 'version: 2\nseeds:\n  - name: plans\n    meta: {owner: nobody}\n');
  const { manifest, files } = compileKeepingFiles(new PartialParseCache());
  const reused = readAlertingFacts(dir, manifest, files);
  expect(reused).toEqual(readAlertingFacts(dir, manifest));
  expect(reused.nodes['seed.shop.plans']!.meta).toEqual({ owner: 'finance' });
});
