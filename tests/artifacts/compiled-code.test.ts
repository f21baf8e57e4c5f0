/**
 * compiled_code's fast path (src/artifacts/compiled-code.ts: static ref/source/config substituted without a
 * render) gives exactly the engine's full render, on the sample project and every compat project (ephemeral
 * models, versions, quoting, packages, run_query), and falls back where it must.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from '../../src/engine';
import { compileManifest, readProjectFiles } from '../../src/engine/compile';
import { renderNodeSql } from '../../src/engine/render/render-node';
import { compiledCodeOf } from '../../src/artifacts/compiled-code';

const REPO = path.resolve(__dirname, '..', '..');
const startedAt = new Date('2026-12-05T06:00:00Z');
const projects = [path.join(REPO, 'dbt'), ...fs.readdirSync(path.join(REPO, 'tests', 'compat', 'projects')).map((p) => path.join(REPO, 'tests', 'compat', 'projects', p))];

function compile(dir: string): Manifest {
  return compileManifest(readProjectFiles(dir), { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' }, cliVars: {} });
}

function fullRender(manifest: Manifest): Map<string, string> {
  const out = new Map<string, string>();
  for (const model of Object.values(manifest.models)) {
    if (model.config.materialized === 'ephemeral') continue;
    try {
      out.set(model.uniqueId, renderNodeSql(manifest, model, { vars: manifest.vars, isIncremental: false, invocationId: 'compile', runStartedAt: startedAt }));
    } catch {
      // as compiledCodeOf: no compiled code for a model that needs the warehouse
    }
  }
  return out;
}

describe('compiled_code of manifest.json', () => {
  it.each(projects.map((p) => [path.basename(p), p]))('%s: the fast path equals the full render for every model', (_name, dir) => {
    let manifest: Manifest;
    try {
      manifest = compile(dir);
    } catch {
      return; // a project that needs `deps` or a warehouse to compile is covered by its own suite
    }
    const expected = fullRender(manifest);
    expect(expected.size).toBeGreaterThan(0);
    expect(Object.fromEntries(compiledCodeOf(manifest, startedAt))).toEqual(Object.fromEntries(expected));
  });

  it('substitutes refs, sources and config; falls back for other Jinja, ephemeral refs and a ref macro override', () => {
    const manifest = compile(path.join(REPO, 'dbt'));
    const model = Object.values(manifest.models).find((m) => m.config.materialized !== 'ephemeral')!;
    const source = Object.values(manifest.sources)[0]!;
    const other = Object.values(manifest.models).find((m) => m !== model && m.config.materialized !== 'ephemeral')!;
    const withSql = (rawSql: string, macroSource = manifest.macroSource): Manifest => ({
      ...manifest, macroSource, models: { ...manifest.models, [model.uniqueId]: { ...model, rawSql } },
    });
    const sql = `{{ config(tags=['x']) }}\nselect * from {{ ref('${other.name}') }} join {{ source('${source.sourceName}', '${source.name}') }} using (id)\n`;
    const fast = compiledCodeOf(withSql(sql), startedAt).get(model.uniqueId);
    expect(fast).toBe(`select * from "dev"."${other.relation.schema}"."${other.relation.identifier}" join ${fullRender(withSql(sql)).get(model.uniqueId)!.split(' join ')[1]}`);
    expect(fast).toBe(fullRender(withSql(sql)).get(model.uniqueId));
    // A project macro named ref changes what ref() prints: the full render must run (and does).
    const override = `${manifest.macroSource}\n{% macro ref(name) %}OVERRIDDEN_{{ name }}{% endmacro %}\n`;
    const overridden = compiledCodeOf(withSql(sql, override), startedAt).get(model.uniqueId);
    expect(overridden).toBe(fullRender(withSql(sql, override)).get(model.uniqueId));
    // Other Jinja renders fully.
    const looped = `{% for i in [1, 2] %}select {{ i }} as n from {{ ref('${other.name}') }}{% if not loop.last %} union all {% endif %}{% endfor %}`;
    expect(compiledCodeOf(withSql(looped), startedAt).get(model.uniqueId)).toBe(fullRender(withSql(looped)).get(model.uniqueId));
    // A ref that names nothing: no compiled code, as with the full render.
    expect(compiledCodeOf(withSql(`select * from {{ ref('no_such_model') }}`), startedAt).has(model.uniqueId)).toBe(false);
  });
});
