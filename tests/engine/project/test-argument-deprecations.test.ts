/**
 * dbt's MissingArgumentsPropertyInGenericTestDeprecation in landfall's parse warnings, with file and line: the same
 * tests dbt-core 1.12.6 named for tests/compat/projects (ecommerce_marts 1, saas_metrics 2, tests_configs 1,
 * packages_installed 2; tests/compat/README.md).
 */
import * as yaml from 'js-yaml';
import { compileManifest } from '../../../src/engine/project/compile-manifest';
import type { ProjectFiles, PropertiesFile } from '../../../src/engine/project/project-files';

const target = { name: 'dev', type: 'postgres' as const, schema: 'analytics', database: 'dev' };

const PROPERTIES = [
  'version: 2',
  'models:',
  '  - name: orders',
  '    columns:',
  '      - name: status',
  '        data_tests:',
  '          - not_null',
  '          - accepted_values:',
  "              values: ['open', 'closed']",
  '          - accepted_values:',
  "              values: ['open']",
  '              config:',
  '                severity: warn',
  '      - name: customer_id',
  '        data_tests:',
  '          - relationships:',
  '              arguments:',
  "                to: ref('orders')",
  '                field: id',
  '          - not_null:',
  '              config:',
  '                where: "1 = 1"',
  '              severity: warn',
  '',
].join('\n');

function project(): ProjectFiles {
  return {
    root: '/nowhere',
    project: { name: 'shop' },
    models: [{ file: 'models/orders.sql', relative: 'orders.sql', text: 'select 1 as id, 1 as customer_id, 1 as status' }],
    singularTests: [], macros: [], seeds: [],
    properties: [{ file: 'models/_orders.yml', content: yaml.load(PROPERTIES) as PropertiesFile, text: PROPERTIES }],
  } as unknown as ProjectFiles;
}

describe('top-level generic test arguments (dbt MissingArgumentsPropertyInGenericTestDeprecation)', () => {
  it('warns once per test with its arguments at the top level, with the file and line of each', () => {
    const warnings = (compileManifest(project(), { target }).parseWarnings ?? []).filter((w) => w.includes('top-level arguments'));
    expect(warnings).toEqual([
      "models/_orders.yml:8: Found top-level arguments to test `accepted_values` defined on 'orders' in package 'shop'. Arguments to generic tests should be nested under the `arguments` property (dbt's MissingArgumentsPropertyInGenericTestDeprecation)",
      expect.stringMatching(/^models\/_orders\.yml:10: Found top-level arguments to test `accepted_values`/),
    ]);
  });

  it('says nothing for `arguments:`, bare test names, and configs at the top level (dbt accepts those keys)', () => {
    const warnings = (compileManifest(project(), { target }).parseWarnings ?? []).join('\n');
    expect(warnings).not.toMatch(/`relationships`|`not_null`/);
  });
});
