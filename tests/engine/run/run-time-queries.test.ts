/**
 * Rendering in passes: the engine runs what a render asked for, in template order, each statement once,
 * and renders again until nothing new is asked. A scripted warehouse answers by SQL text.
 */
import { renderTemplate } from '../../../src/engine/jinja/environment';
import { buildRenderContext } from '../../../src/engine/render/render-context';
import { QuerySession, type StoredQueryResults } from '../../../src/engine/render/query-session';
import { RelationRef } from '../../../src/engine/render/relation';
import {
  isReadOnlySql, MAX_RENDER_PASSES, mayRunQueries, resolveRunTimeQueries, RunTimeQueryError, type RenderAllTemplates,
} from '../../../src/engine/run/run-time-queries';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import type { ResultSet, StatementDescription, Warehouse } from '../../../src/engine/warehouse/warehouse';

type Answer = ResultSet | { error: string };

/** Runs nothing: answers each SQL text from a table (default: one row `[1]`), and logs what it was asked. */
class ScriptedWarehouse implements Warehouse {
  readonly executed: string[] = [];
  private readonly statements: { sql: string; answer: Answer }[] = [];
  constructor(private readonly answers: Record<string, Answer> = {}) {}
  async submit(sql: string | string[]): Promise<string> {
    const text = Array.isArray(sql) ? sql.join(';') : sql;
    this.executed.push(text);
    this.statements.push({ sql: text, answer: this.answers[text] ?? { columns: [{ name: 'n', typeName: 'int4' }], rows: [[1]] } });
    return String(this.statements.length - 1);
  }
  async describe(id: string): Promise<StatementDescription> {
    const { answer } = this.statements[Number(id)]!;
    if ('error' in answer) return { id, status: 'FAILED', error: answer.error, hasResultSet: false, resultRows: -1, durationMs: 1 };
    return { id, status: 'FINISHED', hasResultSet: answer.columns.length > 0, resultRows: answer.rows.length, durationMs: 1 };
  }
  async fetchRows(id: string): Promise<ResultSet> {
    return this.statements[Number(id)]!.answer as ResultSet;
  }
  async cancel(): Promise<void> {}
}

const target = (warehouse: Warehouse) => ({ warehouse, runId: 'run-1', nodeId: 'model.p.m', nodeName: 'm', file: 'models/m.sql' });

function renderer(template: string, outputs: string[] = []): RenderAllTemplates {
  return (sessionFor) => {
    const context = buildRenderContext({
      target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' },
      vars: {}, self: new RelationRef('analytics', 'm'), invocationId: 'run-1', runStartedAt: new Date(0),
      queries: sessionFor('sql'),
      hooks: {
        ref: (name) => new RelationRef('analytics', name), source: (s, t) => new RelationRef(s, t),
        config: () => undefined, configValues: () => ({}), isIncremental: () => false,
      },
    });
    outputs.push(renderTemplate(template, context, { file: 'models/m.sql', macros: '' }).replace(/\s+/g, ' ').trim());
  };
}

const finalRender = (template: string, results: StoredQueryResults) => {
  const outputs: string[] = [];
  renderer(template, outputs)((scope) => QuerySession.replaying(results, scope, 'models/m.sql'));
  return outputs[0];
};

describe('resolveRunTimeQueries', () => {
  it('runs a query, then renders again with its result', async () => {
    const warehouse = new ScriptedWarehouse({
      'select distinct m from t order by 1': { columns: [{ name: 'm', typeName: 'varchar' }], rows: [['card'], ['cash']] },
    });
    const template = "{% set r = run_query('select distinct m from t order by 1') %}select {{ r.columns[0].values() | join(', ') }}";
    const results = await resolveRunTimeQueries(renderer(template), {}, target(warehouse));
    expect(warehouse.executed).toEqual(['select distinct m from t order by 1']);
    expect(finalRender(template, results)).toBe('select card, cash');
  });

  it('runs queries that depend on earlier results in order, over several passes', async () => {
    const warehouse = new ScriptedWarehouse({
      'select max(id) from a': { columns: [{ name: 'max', typeName: 'int4' }], rows: [[7]] },
      'select name from b where id = 7': { columns: [{ name: 'name', typeName: 'varchar' }], rows: [['seven']] },
    });
    const template = `{% set top = run_query('select max(id) from a').columns[0].values()[0] %}
      {% set name = run_query('select name from b where id = ' ~ top).rows[0][0] %}select '{{ name }}'`;
    const results = await resolveRunTimeQueries(renderer(template), {}, target(warehouse));
    // Pass 1 also ran the second query speculatively, with the first one's empty placeholder: harmless, it only reads.
    expect(warehouse.executed[0]).toBe('select max(id) from a');
    expect(warehouse.executed[warehouse.executed.length - 1]).toBe('select name from b where id = 7');
    expect(warehouse.executed).toHaveLength(3);
    expect(finalRender(template, results)).toBe("select 'seven'");
  });

  it('runs the read-only queries of one pass together, after the first', async () => {
    const warehouse = new ScriptedWarehouse();
    const template = "{% for t in ['a', 'b', 'c'] %}{% do run_query('select count(*) from ' ~ t) %}{% endfor %}";
    const passes: string[] = [];
    await resolveRunTimeQueries(renderer(template, passes), {}, target(warehouse));
    expect(warehouse.executed).toEqual(['select count(*) from a', 'select count(*) from b', 'select count(*) from c']);
    expect(passes).toHaveLength(2);
  });

  it('runs each statement with side effects once, in template order, one per pass', async () => {
    const warehouse = new ScriptedWarehouse({ "insert into log values ('x')": { columns: [], rows: [] } });
    const template = `{% do run_query('select 1') %}{% do run_query("insert into log values ('x')") %}{% do run_query('select 2') %}
      {% do run_query("insert into log values ('x')") %}{% call statement('after') %}create table z (id int){% endcall %}`;
    const passes: string[] = [];
    const results = await resolveRunTimeQueries(renderer(template, passes), {}, target(warehouse));
    expect(warehouse.executed).toEqual([
      'select 1', "insert into log values ('x')", 'select 2', "insert into log values ('x')", 'create table z (id int)',
    ]);
    // Passes: s1 | ins, s2 | ins | create | nothing new.
    expect(passes).toHaveLength(5);

    // Rendering again with the stored results runs nothing more.
    await resolveRunTimeQueries(renderer(template), results, target(warehouse));
    expect(warehouse.executed).toHaveLength(5);
  });

  it('does nothing for a template without run-time queries, in one render', async () => {
    const warehouse = new ScriptedWarehouse();
    const passes: string[] = [];
    expect(await resolveRunTimeQueries(renderer('select 1', passes), {}, target(warehouse))).toEqual({});
    expect(passes).toHaveLength(1);
    expect(warehouse.executed).toEqual([]);
  });

  it('fails with the database error and the SQL when a query the template needs fails', async () => {
    const warehouse = new ScriptedWarehouse({ 'select * from missing': { error: 'relation "missing" does not exist' } });
    await expect(resolveRunTimeQueries(renderer("{% set r = run_query('select * from missing') %}"), {}, target(warehouse)))
      .rejects.toThrow('models/m.sql: run_query/statement failed: relation "missing" does not exist (SQL: select * from missing)');
  });

  it('reports a template error once every query has its result, not before', async () => {
    const warehouse = new ScriptedWarehouse({ 'select 0': { columns: [{ name: 'n', typeName: 'int4' }], rows: [] } });
    // Pass 1 fails on the empty placeholder; pass 2 fails for real: the query returned no rows.
    const template = "{% set n = run_query('select 0').columns[0].values()[0] %}{% if not n %}{{ exceptions.raise_compiler_error('no rows') }}{% endif %}";
    await expect(resolveRunTimeQueries(renderer(template), {}, target(warehouse))).rejects.toThrow(/no rows/);
    expect(warehouse.executed).toEqual(['select 0']);
  });

  it(`gives up after ${MAX_RENDER_PASSES} passes when the SQL changes at every render`, async () => {
    const warehouse = new ScriptedWarehouse();
    let counter = 0;
    const template = "{% do run_query('select ' ~ next()) %}";
    const render: RenderAllTemplates = (sessionFor) => {
      const context = { ...buildRenderContext({
        target: { name: 'dev', type: 'postgres', schema: 'a', database: 'dev' }, vars: {}, self: undefined, invocationId: 'r', runStartedAt: new Date(0),
        queries: sessionFor('sql'),
        hooks: { ref: (n) => new RelationRef('a', n), source: (s, t) => new RelationRef(s, t), config: () => undefined, configValues: () => ({}), isIncremental: () => false },
      }), next: () => ++counter };
      renderTemplate(template, context, { file: 'models/m.sql' });
    };
    const failure = resolveRunTimeQueries(render, {}, target(warehouse));
    await expect(failure).rejects.toThrow(RunTimeQueryError);
    await expect(resolveRunTimeQueries(render, {}, target(warehouse))).rejects.toThrow(/models\/m.sql: rendering m still needed new run_query\/statement results after 20 passes/);
  });

  it('refuses results too large to travel in the run state', async () => {
    const big = { columns: [{ name: 'v', typeName: 'varchar' }], rows: Array.from({ length: 2000 }, (_, i) => [`value-${i}-${'x'.repeat(20)}`]) };
    const warehouse = new ScriptedWarehouse({ 'select v from big': big });
    await expect(resolveRunTimeQueries(renderer("{% do run_query('select v from big') %}"), {}, target(warehouse)))
      .rejects.toThrow(/results of m take \d+ KB; .* allows 32 KB per node/);
  });
});

describe('isReadOnlySql', () => {
  it('accepts one reading statement, after comments and parentheses', () => {
    expect(isReadOnlySql('select 1')).toBe(true);
    expect(isReadOnlySql('-- pivot values\n(select 1) union (select 2);')).toBe(true);
    expect(isReadOnlySql('with x as (select 1) select * from x')).toBe(true);
  });

  it('rejects statements with side effects and several statements', () => {
    expect(isReadOnlySql("insert into log values ('x')")).toBe(false);
    expect(isReadOnlySql('create table t as select 1')).toBe(false);
    expect(isReadOnlySql('select 1; drop table t')).toBe(false);
  });
});

describe('mayRunQueries', () => {
  const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };
  const files = (macros: string): ProjectFiles => ({
    root: '/nowhere', project: { name: 'p' }, singularTests: [], seeds: [], properties: [],
    models: [{ file: 'models/a.sql', relative: 'a.sql', text: 'select 1 as id' }],
    macros: macros ? [{ file: 'macros/m.sql', relative: 'm.sql', text: macros }] : [],
  });

  it('is false unless a template or macro calls run_query, statement or load_result', () => {
    const plain = compileManifest(files('{% macro noop() %}{% endmacro %}'), { target });
    expect(mayRunQueries(plain, ['select 1 -- one statement'])).toBe(false);
    expect(mayRunQueries(plain, ["{% set t = run_query('select 1') %}"])).toBe(true);
    const withMacro = compileManifest(files("{% macro values_of(q) %}{{ return(run_query(q)) }}{% endmacro %}"), { target });
    expect(mayRunQueries(withMacro, ['select 1'])).toBe(true);
  });
});
