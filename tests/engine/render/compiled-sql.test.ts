/**
 * Compiled SQL memoised in the partial-parse cache (render/compiled-sql.ts): a recompile renders only the models
 * whose inputs changed, and every result equals a fresh render.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Manifest } from '../../../src/engine/manifest';
import { compileProject } from '../../../src/engine/project/compile-project';
import { PARTIAL_PARSE_FILE, PartialParseCache } from '../../../src/engine/project/partial-parse';
import { compiledSqlOf } from '../../../src/engine/render/compiled-sql';
import { renderNodeSql } from '../../../src/engine/render/render-node';

const target = { name: 'local', type: 'postgres' as const, schema: 'analytics', database: 'dev' };
const PROJECT: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nmodels:\n  shop:\n    +materialized: view\n',
  'macros/cents.sql': '{% macro cents(c) %}({{ c }} / 100.0){% endmacro %}\n',
  'models/orders.sql': "{{ config(alias='orders_v1') }}\nselect 1 as id, 250 as amount\n",
  'models/revenue.sql': "{%- set cols = ['amount'] -%}\nselect {% for c in cols %}{{ cents(c) }} as {{ c }}{% endfor %} from {{ ref('orders') }}\n",
  'models/counted.sql': "select {{ graph.nodes | length }} as nodes from {{ ref('orders') }}\n",
  'models/stamped.sql': "select '{{ run_started_at.year }}' as y, '{{ env_var('LANDFALL_TEST_REGION', 'eu') }}' as r from {{ ref('revenue') }}\n",
};

let dir: string;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};

/** Compile as `landfall compile` does, in a new process's cache: the compiled SQL of every model, and how many were rendered. */
function compileAll(startedAt = new Date(Date.UTC(2024, 5, 1))): { manifest: Manifest; sql: Record<string, string>; rendered: number } {
  const cache = PartialParseCache.open(path.join(dir, '.landfall', PARTIAL_PARSE_FILE));
  const manifest = compileProject(dir, target, path.join(dir, '.landfall', 'landfall-manifest.json'), undefined, cache);
  const before = JSON.stringify([...(cache as unknown as { compiled: Map<string, unknown> }).compiled]);
  const sql = Object.fromEntries(Object.values(manifest.models).map((m) => [m.name, compiledSqlOf(manifest, m, startedAt)]));
  const stored = (cache as unknown as { compiled: Map<string, { sql: string }> }).compiled;
  const rendered = [...stored].filter(([id, entry]) => !before.includes(JSON.stringify([id, entry]))).length;
  cache.finishCompiledSql();
  return { manifest, sql, rendered };
}

const fresh = (manifest: Manifest, startedAt = new Date(Date.UTC(2024, 5, 1))) => Object.fromEntries(Object.values(manifest.models).map((m) =>
  [m.name, renderNodeSql(manifest, m, { vars: manifest.vars, isIncremental: false, invocationId: 'compile', runStartedAt: startedAt })]));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-compiled-sql-'));
  for (const [file, text] of Object.entries(PROJECT)) write(file, text);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.LANDFALL_TEST_REGION;
});

describe('compiledSqlOf', () => {
  it('renders each model once, then reuses what nothing changed, and never keeps a render that read graph or run_started_at', () => {
    const first = compileAll();
    expect(first.sql).toEqual(fresh(first.manifest));
    expect(first.rendered).toBe(2); // orders, revenue: counted read graph, stamped read run_started_at

    const second = compileAll(new Date(Date.UTC(2025, 0, 1)));
    expect(second.rendered).toBe(0);
    expect(second.sql).toEqual(fresh(second.manifest, new Date(Date.UTC(2025, 0, 1))));
    expect(second.sql.stamped).toContain("'2025'");
  });

  it('renders again a model whose ref now prints another relation, and one whose macro changed', () => {
    compileAll();
    write('models/orders.sql', "{{ config(alias='orders_v2') }}\nselect 1 as id, 250 as amount\n");
    const afterAlias = compileAll();
    expect(afterAlias.sql.revenue).toContain('"orders_v2"');
    expect(afterAlias.sql).toEqual(fresh(afterAlias.manifest));

    write('macros/cents.sql', '{% macro cents(c) %}({{ c }} / 1000.0){% endmacro %}\n');
    const afterMacro = compileAll();
    expect(afterMacro.sql.revenue).toContain('/ 1000.0');
    expect(afterMacro.sql).toEqual(fresh(afterMacro.manifest));
  });

  it('renders again a model whose env_var() value changed', () => {
    write('models/stamped.sql', "select '{{ env_var('LANDFALL_TEST_REGION', 'eu') }}' as r from {{ ref('revenue') }}\n");
    expect(compileAll().sql.stamped).toContain("'eu'");
    expect(compileAll().rendered).toBe(0);
    process.env.LANDFALL_TEST_REGION = 'us';
    const changed = compileAll();
    expect(changed.sql.stamped).toContain("'us'");
    expect(changed.rendered).toBe(1);
  });
});
