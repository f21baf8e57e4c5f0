/**
 * dbt's `execute`, `run_query`, `{% call statement %}` and `load_result` as templates see them, over a
 * query session (the engine runs the SQL between renders: see tests/engine/run/run-time-queries.test.ts).
 */
import { QuerySession, queryKey, type StoredQueryResults } from '../../../src/engine/render/query-session';
import { RelationRef } from '../../../src/engine/render/relation';
import { renderInContext } from '../../support/render-in-context';

const METHODS_SQL = 'select distinct payment_method from "analytics"."stg_payments" order by 1';
const stored: StoredQueryResults = {
  [queryKey('sql', 1, METHODS_SQL)]: { columns: [{ name: 'payment_method', type: 'varchar' }], rows: [['card'], ['cash']], rowsAffected: 2 },
  [queryKey('sql', 1, "insert into audit values ('x')")]: { columns: [], rows: [], rowsAffected: 1 },
};

function render(source: string, queries?: QuerySession): string {
  return renderInContext(source, { self: new RelationRef('analytics', 'pivot'), queries }, 'models/pivot.sql').replace(/\s+/g, ' ').trim();
}

const PIVOT = `
{% set q %}select distinct payment_method from {{ ref('stg_payments') }} order by 1{% endset %}
{% set results = run_query(q) %}
{% if execute %}{% set methods = results.columns[0].values() %}{% else %}{% set methods = [] %}{% endif %}
select order_id{% for m in methods %}, sum(case when payment_method = '{{ m }}' then amount end) as {{ m }}_amount{% endfor %} from x`;

describe('run_query, statement and execute in templates', () => {
  it('is not executing at parse time: run_query gives none and statement runs nothing', () => {
    expect(render(PIVOT)).toBe('select order_id from x');
    expect(render("{{ 'executing' if execute else 'parsing' }} {{ 'none' if run_query('select 1') is none }}")).toBe('parsing none');
    expect(render("{% call statement('s', fetch_result=True) %}select {{ undefined_thing() }}{% endcall %}{{ 'none' if load_result('s') is none }}")).toBe('none');
  });

  it('reads stored results at run time, so the pivot gets one column per value', () => {
    const session = QuerySession.replaying(stored, 'sql', 'models/pivot.sql');
    expect(render(PIVOT, session)).toBe(
      "select order_id, sum(case when payment_method = 'card' then amount end) as card_amount, sum(case when payment_method = 'cash' then amount end) as cash_amount from x",
    );
    expect(render("{{ 'executing' if execute else 'parsing' }}", session)).toBe('executing');
  });

  it('stores a named statement for load_result, with data, table and response', () => {
    const session = QuerySession.replaying(stored, 'sql', 'models/pivot.sql');
    const template = `{% call statement('methods', fetch_result=True) %}${METHODS_SQL}{% endcall %}
      {% set result = load_result('methods') %}
      {{ result['data'] | length }}:{{ result['data'][1][0] }} {{ result.table.columns[0].values() | join('|') }} {{ result['table'].rows[1][0] }}
      {{ result.response.code }} {{ result.response.rows_affected }}`;
    expect(render(template, session)).toBe('2:cash card|cash cash SELECT 2');
  });

  it('runs statements without fetching: the table is empty and the response counts rows', () => {
    const session = QuerySession.replaying(stored, 'sql', 'models/pivot.sql');
    const template = `{% call statement('audit') %}insert into audit values ('x'){% endcall %}{% set r = load_result('audit') %}{{ r.table.rows | length }} {{ r.response.code }} {{ r.response.rows_affected }}`;
    expect(render(template, session)).toBe('0 INSERT 1');
  });

  it('hands a result out once, like dbt, and gives none for a name never stored', () => {
    const session = QuerySession.replaying(stored, 'sql', 'models/pivot.sql');
    expect(() => render(`{% call statement('m', fetch_result=True) %}${METHODS_SQL}{% endcall %}{% set a = load_result('m') %}{% set b = load_result('m') %}`, session))
      .toThrow("The 'statement' result named 'm' has already been loaded into a variable");
    expect(render("{{ 'none' if load_result('never') is none }}", QuerySession.replaying(stored, 'sql', 'x'))).toBe('none');
  });

  it('reaches run_query through the dbt namespace too', () => {
    expect(render(`{{ dbt.run_query("${METHODS_SQL.replace(/"/g, '\\"')}").rows | length }}`, QuerySession.replaying(stored, 'sql', 'x'))).toBe('2');
  });

  it('records calls while recording, answering the ones without a result with an empty table', () => {
    const session = QuerySession.recording({}, 'sql');
    expect(render("{% set t = run_query('select 42') %}{{ t.rows | length }}-{{ t.columns | length }}{% do run_query('select 42') %}", session)).toBe('0-0');
    expect(session.calls.map((c) => c.sql)).toEqual(['select 42', 'select 42']);
    // The same SQL twice is two calls: each has its own key.
    expect(new Set(session.calls.map((c) => c.key)).size).toBe(2);
  });

  it('names the file and the SQL when a result was never stored', () => {
    expect(() => render("{% set t = run_query('select 42') %}", QuerySession.replaying({}, 'sql', 'models/pivot.sql')))
      .toThrow(/models\/pivot.sql: run_query\/statement SQL was not run before this render: select 42/);
  });
});
