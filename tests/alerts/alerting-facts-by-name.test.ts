/**
 * readAlertingFacts finds the nodes a YAML entry names through an index (it scanned every node per entry, which was
 * quadratic): the node itself and its versions (`<name>_v<n>`), nothing else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readAlertingFacts } from '../../src/alerts/alerting-facts';
import type { Manifest } from '../../src/engine';

it('gives an entry\'s facts to the node of that name and to its versions only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-alerting-facts-'));
  fs.mkdirSync(path.join(dir, 'models'));
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: p\nversion: "1"\n');
  fs.writeFileSync(path.join(dir, 'models', 'schema.yml'), [
    'version: 2', 'models:',
    '  - name: orders', '    meta: {owner: a}', '    columns: [{name: Email, meta: {pii: true}}]',
    '  - name: orders_daily', '    meta: {owner: b}', '',
  ].join('\n'));
  const node = (name: string) => ({ name, uniqueId: `model.p.${name}` });
  const models = Object.fromEntries(['orders', 'orders_v2', 'orders_daily', 'orders_vip_v1', 'customers'].map((n) => [`model.p.${n}`, node(n)]));
  const facts = readAlertingFacts(dir, { projectName: 'p', models, seeds: {}, sources: {} } as unknown as Manifest);
  expect(Object.keys(facts.nodes).sort()).toEqual(['model.p.orders', 'model.p.orders_daily', 'model.p.orders_v2', 'model.p.orders_vip_v1']);
  expect(facts.nodes['model.p.orders_v2']).toEqual({ declaredColumns: ['email'], piiColumns: ['email'], meta: { owner: 'a' } });
  expect(facts.nodes['model.p.orders_daily']!.meta).toEqual({ owner: 'b' });
  fs.rmSync(dir, { recursive: true, force: true });
});
