/**
 * Installed packages at parse time: namespaces, dbt's dispatch search, configs of package resources from the
 * root project, package vars, and partial parsing that notices a change inside dbt_packages/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import { compileProject } from '../../../src/engine/project/compile-project';
import { PartialParseCache } from '../../../src/engine/project/partial-parse';
import { readProjectFiles } from '../../../src/engine/project/project-files';
import { renderNodeSql } from '../../../src/engine/render/render-node';
import type { Manifest } from '../../../src/engine/manifest';

const target = { name: 'local', type: 'postgres' as const, schema: 'analytics', database: 'dev' };
let dir: string;

function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

const render = (manifest: Manifest, id: string) =>
  renderNodeSql(manifest, manifest.models[id]!, { vars: manifest.vars, invocationId: 'x', runStartedAt: new Date(0), isIncremental: false });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-packages-'));
  write({
    'dbt_project.yml': [
      'name: shop',
      'vars:',
      '  region: eu',
      '  util:',
      '    greeting: hello from the root',
      'models:',
      '  util:',
      '    +schema: util',
      '    staging:',
      '      +enabled: false',
      '',
    ].join('\n'),
    'macros/overrides.sql': "{% macro default__label() %}'root label'{% endmacro %}\n",
    'models/report.sql': "select {{ util.label() }} as label, {{ util.shout('x') }} as shout, {{ util.which() }} as which, '{{ var('greeting', 'unset') }}' as greeting, '{{ var('unit', 'unset') }}' as unit, '{{ var('region') }}' as region from {{ ref('calendar') }}\n",
    'dbt_packages/util/dbt_project.yml': 'name: util\nconfig-version: 2\nvars:\n  unit: km\n  greeting: hello from util\nmodels:\n  util:\n    +materialized: table\n',
    'dbt_packages/util/macros/label.sql': [
      "{% macro label() %}{{ return(adapter.dispatch('label', 'util')()) }}{% endmacro %}",
      "{% macro default__label() %}'util label'{% endmacro %}",
      "{% macro shout(s) %}upper('{{ s }}'){% endmacro %}",
      "{% macro which() %}{{ return(adapter.dispatch('which', 'util')()) }}{% endmacro %}",
      "{% macro default__which() %}'default'{% endmacro %}",
      "{% macro postgres__which() %}'postgres'{% endmacro %}",
      '',
    ].join('\n'),
    'dbt_packages/util/models/calendar.sql': "select {{ shout('d') }} as day, '{{ var('greeting') }}' as greeting, '{{ var('unit') }}' as unit, '{{ var('region') }}' as region\n",
    'dbt_packages/util/models/staging/stg_days.sql': 'select 1 as d\n',
  });
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('installed packages', () => {
  it('puts package models in the graph with their own configs, overridden by the root project', () => {
    const manifest = compileManifest(readProjectFiles(dir), { target });
    expect(Object.keys(manifest.models).sort()).toEqual(['model.shop.report', 'model.util.calendar']);
    const calendar = manifest.models['model.util.calendar']!;
    expect(calendar).toMatchObject({ packageName: 'util', relation: { schema: 'analytics_util', identifier: 'calendar' } });
    expect(calendar.config.materialized).toBe('table');
    expect(manifest.models['model.shop.report']!.dependsOn).toEqual(['model.util.calendar']);
  });

  it("resolves namespaced macros and dispatch as dbt does: the root's override first, then the package's most specific", () => {
    const manifest = compileManifest(readProjectFiles(dir), { target });
    const sql = render(manifest, 'model.shop.report');
    // label: search order [root, util] → the root's default__label beats util's; which: util's postgres__ beats default__.
    expect(sql).toContain("select 'root label' as label, upper('x') as shout, 'postgres' as which");
    // vars as dbt scopes them: a root model sees the root's own vars only, not a package's nor the root's entry for one.
    expect(sql).toContain("'unset' as greeting, 'unset' as unit, 'eu' as region");
  });

  it("scopes vars by the node's package as dbt does: --vars, then the root's entry for the package, the root's, the package's", () => {
    const calendar = (cliVars: Record<string, unknown>) => {
      const manifest = compileManifest(readProjectFiles(dir), { target, cliVars });
      return render(manifest, 'model.util.calendar');
    };
    // greeting: the root's `util:` entry over the package's own; unit: the package's own; region: the root's global.
    expect(calendar({})).toBe("select upper('d') as day, 'hello from the root' as greeting, 'km' as unit, 'eu' as region");
    expect(calendar({ unit: 'mi', greeting: 'hi' })).toBe("select upper('d') as day, 'hi' as greeting, 'mi' as unit, 'eu' as region");
    // --vars given at run time (not at compile time) reach package nodes too.
    const manifest = compileManifest(readProjectFiles(dir), { target });
    expect(renderNodeSql(manifest, manifest.models['model.util.calendar']!, { vars: { ...manifest.vars, unit: 'ly' }, invocationId: 'x', runStartedAt: new Date(0), isIncremental: false }))
      .toContain("'ly' as unit");
  });

  it("follows dispatch: search_order from the root dbt_project.yml", () => {
    fs.appendFileSync(path.join(dir, 'dbt_project.yml'), 'dispatch:\n  - macro_namespace: util\n    search_order: [util]\n');
    const manifest = compileManifest(readProjectFiles(dir), { target });
    expect(render(manifest, 'model.shop.report')).toContain("select 'util label' as label");
  });

  it("applies the root's top-level `+` configs to every project's resources, packages' too", () => {
    fs.appendFileSync(path.join(dir, 'dbt_project.yml'), 'seeds:\n  +quote_columns: false\n');
    write({ 'dbt_packages/util/seeds/codes.csv': 'Code\nA\n', 'seeds/local_codes.csv': 'Code\nB\n' });
    const manifest = compileManifest(readProjectFiles(dir), { target });
    expect(manifest.seeds['seed.util.codes']!.config.quote_columns).toBe(false);
    expect(manifest.seeds['seed.shop.local_codes']!.config.quote_columns).toBe(false);
  });

  it("renders a package model's source() at run time", () => {
    write({
      'dbt_packages/util/models/sources.yml': 'version: 2\nsources:\n  - name: util_raw\n    schema: raw_util\n    tables:\n      - name: events\n',
      'dbt_packages/util/models/events.sql': "select * from {{ source('util_raw', 'events') }}\n",
    });
    const manifest = compileManifest(readProjectFiles(dir), { target });
    expect(manifest.models['model.util.events']!.dependsOn).toEqual(['source.util.util_raw.events']);
    expect(render(manifest, 'model.util.events')).toBe('select * from "dev"."raw_util"."events"');
  });

  it("takes a package test's fail_calc from the config() its macro calls at parse time, below the YAML's", () => {
    write({
      'dbt_packages/util/macros/counts.sql': [
        '{% test same_count(model, other) %}',
        "{{ config(fail_calc='sum(diff)') }}",
        "{% if not execute %}{{ return('') }}{% endif %}",
        'select abs((select count(*) from {{ model }}) - (select count(*) from {{ other }})) as diff',
        '{% endtest %}',
      ].join('\n'),
      'models/schema.yml': [
        'version: 2', 'models:', '  - name: report', '    data_tests:',
        "      - util.same_count: {other: ref('calendar')}",
        "      - util.same_count: {other: ref('calendar'), config: {fail_calc: 'max(diff)'}}", '',
      ].join('\n'),
    });
    const tests = Object.values(compileManifest(readProjectFiles(dir), { target }).tests);
    expect(tests.map((t) => [t.name, t.failCalc, t.dependsOn])).toEqual([
      ['util_same_count_report_ref_calendar_', 'sum(diff)', ['model.shop.report', 'model.util.calendar']],
      ['util_same_count_report_ref_calendar_', 'max(diff)', ['model.shop.report', 'model.util.calendar']],
    ]);
  });

  it('refuses two macros with one name in one package, naming both files', () => {
    write({ 'dbt_packages/util/macros/again.sql': "{% macro shout(s) %}{{ s }}{% endmacro %}\n" });
    expect(() => compileManifest(readProjectFiles(dir), { target })).toThrow(/macros\/label\.sql.*macro 'shout' of package 'util' is defined twice|macros\/again\.sql: macro 'shout' of package 'util' is defined twice \(also in macros\/label\.sql\)/);
  });

  it('reparses what a changed package file affects (partial parsing)', () => {
    const cache = new PartialParseCache();
    const compile = () => {
      cache.startCompile();
      const m = compileManifest(readProjectFiles(dir, { parseCache: cache }), { target, parseCache: cache });
      cache.finishCompile();
      return m;
    };
    compile();
    // The package's macro now refs another model: the root model that calls it must be parsed again.
    write({
      'dbt_packages/util/macros/label.sql': fs.readFileSync(path.join(dir, 'dbt_packages/util/macros/label.sql'), 'utf8')
        .replace("{% macro shout(s) %}upper('{{ s }}'){% endmacro %}", "{% macro shout(s) %}(select max(day) from {{ ref('extra') }}){% endmacro %}"),
      'dbt_packages/util/models/extra.sql': 'select 1 as day\n',
    });
    const again = compile();
    expect([...again.models['model.shop.report']!.dependsOn].sort()).toEqual(['model.util.calendar', 'model.util.extra']);
    expect(again).toEqual({ ...compileManifest(readProjectFiles(dir), { target }), compiledAt: again.compiledAt });
  });

  it('compiles through compileProject with the injected checks', () => {
    const seen: string[] = [];
    compileProject(dir, target, path.join(dir, '.landfall', 'm.json'), undefined, undefined, [(m) => seen.push(m.projectName)]);
    expect(seen).toEqual(['shop']);
  });
});
