import { renderTemplate } from '../../../src/engine/jinja/environment';
import { AgateTable } from '../../../src/engine/render/agate-table';

const payments = AgateTable.of({
  columns: [{ name: 'method', type: 'varchar' }, { name: 'amount', type: 'numeric' }],
  rows: [['card', '10.50'], ['cash', null], ['card', '2.00']],
});

const render = (source: string) => renderTemplate(source, { t: payments }, { file: 'models/x.sql' });

describe('Class: AgateTable', () => {
  it('gives a column\'s values as a list, by position or by name', () => {
    expect(render("{{ t.columns[0].values() | join(',') }}")).toBe('card,cash,card');
    expect(render("{{ t.columns['amount'].values() | join(',') }}")).toBe('10.50,None,2.00');
    expect(render('{{ t.columns[1].name }} {{ t.columns[1].data_type.name }}')).toBe('amount numeric');
    expect(render("{{ t.columns[0].values_distinct() | join(',') }}")).toBe('card,cash');
    expect(render("{{ t.columns[1].values_without_nulls() | length }}")).toBe('2');
  });

  it('reads cells by position, by name, as attributes and from the end', () => {
    expect(render('{{ t.rows[0][0] }}|{{ t.rows[0]["amount"] }}|{{ t.rows[2].method }}|{{ t.rows[-1][-1] }}')).toBe('card|10.50|card|2.00');
  });

  it('iterates rows and columns, counts them and slices them like Jinja lists', () => {
    expect(render('{% for row in t.rows %}{{ row.method }}:{{ row[1] }};{% endfor %}')).toBe('card:10.50;cash:None;card:2.00;');
    expect(render('{% for c in t.columns %}{{ c.name }} {% endfor %}')).toBe('method amount ');
    expect(render('{{ t.rows | length }} {{ t.columns | length }} {{ t.rows[1:] | length }}')).toBe('3 2 2');
    expect(render("{{ t.column_names | join(',') }}")).toBe('method,amount');
  });

  it('has agate\'s row methods: keys, values, items, get and dict', () => {
    expect(render("{{ t.rows[0].keys() | join(',') }}")).toBe('method,amount');
    expect(render("{{ t.rows[0].values() | join(',') }}")).toBe('card,10.50');
    expect(render('{% for k, v in t.rows[1].items() %}{{ k }}={{ v }};{% endfor %}')).toBe('method=cash;amount=None;');
    expect(render("{{ t.rows[0].get('missing', 'none') }} {{ t.rows[0].dict()['method'] }}")).toBe('none card');
  });

  it('lets attribute filters read row values by name', () => {
    const counts = AgateTable.of({ columns: [{ name: 'n', type: 'int4' }], rows: [[2], [5], [3]] });
    expect(renderTemplate("{% for r in t.rows | sort(attribute='n', reverse=true) %}{{ r.n }}{% endfor %}", { t: counts }, { file: 'x.sql' })).toBe('532');
  });

  it('stays a plain array in TypeScript', () => {
    expect(Array.isArray(payments.rows)).toBe(true);
    expect([...payments.rows[0]!]).toEqual(['card', '10.50']);
    expect(payments.rows.map((r) => r[0])).toEqual(['card', 'cash', 'card']);
  });

  it('is empty when nothing was fetched', () => {
    const empty = AgateTable.empty();
    expect(renderTemplate('{{ t.rows | length }}{{ t.columns | length }}', { t: empty }, { file: 'x.sql' })).toBe('00');
  });
});
