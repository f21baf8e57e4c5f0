/**
 * Context members packages call (issue 15 rows 10 and 11), at render level. Expected values are dbt-core 1.10's
 * where a comment does not say otherwise.
 */
import { QuerySession } from '../../../src/engine/render/query-session';
import { RelationRef } from '../../../src/engine/render/relation';
import { Column } from '../../../src/engine/render/column';
import { renderInContext } from '../../support/render-in-context';

describe('target from the profile (row 10)', () => {
  it('prints the profile output\'s name, database, user, threads, profile name and other fields', () => {
    const target = { name: 'ci', type: 'postgres' as const, schema: 'h8', database: 'landfall', user: 'postgres', threads: 3, profileName: 'h8', extra: { host: '127.0.0.1', port: 54329 } };
    expect(renderInContext('{{ target.name }} {{ target.database }} {{ target.dbname }} {{ target.user }} {{ target.type }} {{ target.threads }} {{ target.schema }} {{ target.profile_name }} {{ target.port }}', { target }))
      .toBe('ci landfall landfall postgres postgres 3 h8 h8 54329');
  });
});

describe('relations and columns', () => {
  it('answer dbt_utils\' _is_relation check, and a string does not', () => {
    const check = "{{ obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation') }}";
    expect(renderInContext(`{% set obj = ref('orders') %}${check}`)).toBe('True');
    expect(renderInContext(`{% set obj = 'analytics.orders' %}${check}`)).toBe('False');
  });

  it('incorporate, include, quote and create keep dbt\'s attributes', () => {
    const rel = RelationRef.create({ database: 'db', schema: 'raw', identifier: 'Orders', type: 'view', __keywords: true });
    expect([rel.is_view, rel.is_table, rel.name, rel.table, String(rel.include({ database: false }))]).toEqual([true, false, 'Orders', 'Orders', '"raw"."Orders"']);
    expect(String(rel.incorporate({ path: { identifier: 'orders__tmp' }, type: 'table', __keywords: true }))).toBe('"db"."raw"."orders__tmp"');
    expect(String(rel.quote({ identifier: false, __keywords: true }))).toBe('"db"."raw".Orders');
    expect(() => rel.incorporate({ type: 'sequence', __keywords: true })).toThrow(/Relation type 'sequence'/);
    // audit_helper's postgres__get_columns_in_relation_sql reads `relation.information_schema('columns')`.
    expect(renderInContext("{{ ref('orders').information_schema('columns') }} {{ ref('orders').information_schema() }}")).toBe('INFORMATION_SCHEMA.columns INFORMATION_SCHEMA');
    expect(String(rel.information_schema('tables'))).toBe('"db".INFORMATION_SCHEMA.tables');
  });

  it('columns print and size as dbt-postgres\'s', () => {
    const sized = new Column('status', 'character varying', 12);
    const text = new Column('note', 'text');
    expect([sized.data_type, sized.string_size(), text.data_type, text.string_size(), text.can_expand_to(sized), sized.can_expand_to(new Column('s', 'character varying', 40))])
      .toEqual(['character varying(12)', 12, 'text', 256, false, true]);
    expect(new Column('amount', 'numeric', null, 10, 2).data_type).toBe('numeric(10,2)');
    expect(() => new Column('id', 'integer').string_size()).toThrow(/non-string/);
  });
});

describe('parse-time answers', () => {
  it('gives no columns and no relation without a warehouse, as dbt parses', () => {
    expect(renderInContext("{{ adapter.get_columns_in_relation(ref('x')) }}|{{ adapter.get_relation(database='d', schema='s', identifier='x') }}|{{ load_relation(ref('x')) }}|{{ execute }}"))
      .toBe('[]|None|None|False');
  });

  it('asks the catalog through the run-time query session, as run_query does', () => {
    const session = QuerySession.recording({}, 'sql');
    renderInContext("{% set cols = adapter.get_columns_in_relation(ref('orders')) %}{% set rel = adapter.get_relation(database=target.database, schema='raw', identifier='x') %}", { queries: session });
    expect(session.calls.map((c) => c.sql.replace(/\s+/g, ' '))).toEqual([
      expect.stringContaining("from information_schema.columns where table_schema = 'analytics' and table_name = 'orders' order by ordinal_position"),
      expect.stringContaining("lower(n.nspname) = lower('raw') and c.relname = 'x'"),
    ]);
  });
});

describe('context values', () => {
  it('flags, should_full_refresh, should_store_failures, graph and model default as dbt does', () => {
    expect(renderInContext('{{ flags.FULL_REFRESH }} {{ flags.WHICH }} {{ should_full_refresh() }} {{ should_store_failures() }} {{ graph.nodes }} {{ model }}')).toBe('False run False False {} {}');
    expect(renderInContext('{{ should_full_refresh() }} {{ flags.WHICH }}', { flags: { FULL_REFRESH: true, WHICH: 'build' } })).toBe('True build');
  });

  it('has Python\'s set, itertools, pytz, fromyaml/toyaml', () => {
    expect(renderInContext("{{ set(['a', 'b']) == set(['b', 'a']) }} {{ set([1, 1, 2]) }} {{ set() }} {% set s = set() %}{% do s.add(3) %}{{ s }}")).toBe('True {1, 2} set() {3}');
    expect(renderInContext('{{ modules.itertools.product([1, 2], ["a"]) | list }} {{ modules.itertools.chain([1], [2]) | list }} {{ modules.pytz.utc }}')).toBe("[(1, 'a'), (2, 'a')] [1, 2] UTC");
    expect(renderInContext("{{ fromyaml('a: [1, 2]')['a'][1] }} {{ toyaml({'k': 1}) | trim }}")).toBe('2 k: 1');
  });

  it('iterates an agate table\'s rows (dbt_utils get_relations_by_pattern)', () => {
    const session = QuerySession.recording({}, 'sql');
    const template = "{% call statement('t', fetch_result=True) %}select 1{% endcall %}{% for row in load_result('t')['table'] %}{{ row.name }};{% endfor %}";
    renderInContext(template, { queries: session });
    const results = { [session.calls[0]!.key]: { columns: [{ name: 'name', type: 'text' }], rows: [['a'], ['b']], rowsAffected: 2 } };
    expect(renderInContext(template, { queries: QuerySession.replaying(results, 'sql', 'x') })).toBe('a;b;');
  });
});
