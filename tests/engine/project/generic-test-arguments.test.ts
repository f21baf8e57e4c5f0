import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

function files(): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'p', vars: { statuses: ['placed', 'shipped'] } },
    models: [{ file: 'models/orders.sql', relative: 'orders.sql', text: "select 1 as id, 'placed' as status" }],
    singularTests: [],
    macros: [{
      file: 'tests/generic/tests.sql',
      relative: 'generic/tests.sql',
      text: [
        '{% test has_rows(model) %}select 1 from (select count(*) as n from {{ model }}) c where n = 0{% endtest %}',
        "{% test in_list(model, column_name, allowed) %}select * from {{ model }} where {{ column_name }} not in ('{{ allowed | join(\"', '\") }}'){% endtest %}",
      ].join('\n'),
    }],
    seeds: [],
    properties: [{
      file: 'models/_models.yml',
      content: {
        models: [{
          name: 'orders',
          data_tests: ['has_rows'],
          columns: [{
            name: 'status',
            data_tests: [
              { accepted_values: { arguments: { values: "{{ var('statuses') }}" } } },
              { in_list: { arguments: { allowed: "{{ var('statuses') + ['returned'] }}" } } },
            ],
          }],
        }],
      },
    }],
  };
}

describe('compileManifest: generic test arguments written in Jinja', () => {
  const manifest = compileManifest(files(), { target, cliVars: { statuses: ['placed', 'shipped', 'completed'] } });

  it('renders a Jinja argument to its value, as dbt does at parse time, with --vars over project vars', () => {
    const test = manifest.tests['test.p.accepted_values_orders_status___var_statuses_']!;
    expect(test.rawSql).toContain("not in ('placed', 'shipped', 'completed')");
  });

  it('passes the rendered value to a custom generic test', () => {
    const test = manifest.tests['test.p.in_list_orders__var_statuses_returned___status']!;
    expect(test.rawSql).toContain('allowed=["placed","shipped","completed","returned"]');
  });

  it('names a test without arguments or column as dbt does: with a trailing underscore', () => {
    expect(Object.keys(manifest.tests)).toContain('test.p.has_rows_orders_');
  });
});
