/**
 * Templates compiled once per shape (src/engine/jinja/template-shape.ts: literals and SQL text bound as parameters)
 * render byte for byte as templates compiled from their own source: tricky sources one by one, then every model and
 * test of the realistic generator's project, the demo dbt/ project and the packages' integration projects under
 * ../shared/dbt-packages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DBT_UTILS_DIR, generateRealisticProject, realisticModelFile } from '../../../bench/support/realistic-project';
import { renderTemplate, useTemplateShapes } from '../../../src/engine/jinja/environment';
import { shapeOf } from '../../../src/engine/jinja/template-shape';
import { compileAndRenderEverything, inDemoProjectCopy, inTempDir, testEachPackageProject, testWithPackages } from '../../support/real-projects';

afterEach(() => useTemplateShapes(true));

/** The output (or the error message) of rendering `source` with shapes on or off. */
function render(source: string, shapes: boolean, macros?: string): string {
  useTemplateShapes(shapes);
  const context = { ref: (name: string) => `"analytics"."${name}"`, items: [1, 2, 3], d: { a: 1, b: 'two' } };
  try {
    return renderTemplate(source, context, { file: 'models/x.sql', macros });
  } catch (error) {
    return `error: ${(error as Error).message}`;
  } finally {
    useTemplateShapes(true);
  }
}

const TRICKY: string[] = [
  "select {{ ref('a') }} from x where y = 1",
  "{%- set renames = {'id': 'order_id', 'b': 'c'} -%}\nselect\n{%- for k, v in renames.items() %}\n  {{ k }} as {{ v }}{{ ',' if not loop.last }}\n{%- endfor %}\nfrom t\n",
  "{{ '}}' }} and {{ \"a%}b\" }} {{ {'k': {'n': 1}}['k'] }}",
  "{% raw %}{{ 'x' }} {% raw %}{% endraw %} text{% endraw %} after {{ 'y' }}",
  "a {%- raw -%}  {{ 'kept' }}  {%- endraw -%}  b",
  "{# a comment with 'quotes' and {{ }} #}  text  {#- trimmed -#}  more  ",
  "  {{- 'a' -}}  \n  b  {%- if true -%}  c  {%- endif -%}  d  \n",
  "{{ items[0] }} {{ items[1:3] }} {{ items[-1] }} {{ 1.5 }} {{ 007 }} {{ d.a }} {{ 'a' ~ 2 }} {{ 10 // 3 }} {{ 2 ** 3 }}",
  "{{ 'it\\'s' }} {{ 'tab\\tbed' }} {{ '^\\d+$' }}\n{{ 'x\\ny' }}",
  "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}",
  "{% macro m(a, b='dflt') %}[{{ a }}:{{ b }}]{% endmacro %}{{ m('x') }}{{ m('y', b='z') }}",
  "{% set body %}inner 'text' {{ 1 }}{% endset %}{{ body | upper }}",
  "{{ '%s-%s' % ('a', 3) }} {{ 'a,b'.split(',') }} {{ '{}x'.format(5) }} {{ 'ab' in 'cabd' }} {{ d['b'] }}",
  "{% for x in items if x > 1 %}{{ loop.index }}{{ x }}{% else %}none{% endfor %}",
  "line one\nline two {{ 'x' }}\n\nthree\n{{ no_such_function() }}",
  "{{ 'a' + }}",
  "text #} more",
  "{{ 'never closed' ",
  "{% if d.a == 1 %}\n  one\n{% elif d.a == 2 %}two{% else %}\n  other\n{% endif %}",
  "{%- call m2('x') -%}{{ 'called' }}{%- endcall -%}{% macro m2(a) %}<{{ caller() }}>{% endmacro %}",
];

describe('templates compiled by shape', () => {
  test.each(TRICKY.map((source) => [source]))('%j renders as its own compile does', (source) => {
    expect(render(source, true)).toBe(render(source, false));
    expect(render(source, true, '')).toBe(render(source, false, ''));
  });

  test('literals, ref names and SQL text become parameters; two models that differ only in them share a shape', () => {
    const a = shapeOf("{{ config(materialized='view') }}\nselect id from {{ ref('orders_1') }} where n > 3\n");
    const b = shapeOf("{{ config(materialized='table') }}\nselect key from {{ ref('orders_2') }} where n > 4\n");
    expect(a?.source).toBe(b?.source);
    expect(Object.values(a!.params)).toEqual(['view', 'select id from', 'orders_1', 'where n > 3']);
    expect(a!.source.split('\n')).toHaveLength(3); // the line count is the file's
  });

  test('raw regions, comments, floats, attributes and escaped strings stay in the shape', () => {
    const shape = shapeOf("{% raw %}{{ 'r' }}{% endraw %}{# 'c' #}{{ x.0 }}{{ 1.5 }}{{ 'a\\'b' }}{{ 'p' }}");
    expect(shape?.source).toBe("{% raw %}{{ 'r' }}{% endraw %}{# 'c' #}{{ x.0 }}{{ 1.5 }}{{ 'a\\'b' }}{{ __lfp0 }}");
  });

  test('what the scanner does not model is compiled from its own source', () => {
    expect(shapeOf("{{ r/a'b/.test('x') }}")).toBeUndefined();
    expect(shapeOf('{{ __lfp0 }}')).toBeUndefined();
    expect(shapeOf("{{ 'open")).toBeUndefined();
    expect(shapeOf('no tags at all')).toEqual({ source: '{{ __lfp0 }}', params: { __lfp0: 'no tags at all' } });
  });
});

/** compileAndRenderEverything with templates compiled by shape or not. */
function compileEverything(dir: string, shapes: boolean): { manifest: unknown; sql: Record<string, string> } {
  useTemplateShapes(shapes);
  try {
    return compileAndRenderEverything(dir);
  } finally {
    useTemplateShapes(true);
  }
}

/** Compiled by shape and by source, the same manifest and the same SQL for every node (after a first pass that warms what a render records, such as introspective queries' SQL). */
function expectSameCompile(dir: string): void {
  compileEverything(dir, false);
  const plain = compileEverything(dir, false);
  const shaped = compileEverything(dir, true);
  expect(Object.keys(plain.sql).length).toBeGreaterThan(0);
  expect(shaped.sql).toEqual(plain.sql);
  expect(shaped.manifest).toEqual(plain.manifest);
}

describe('whole projects compile the same by shape', () => {
  testWithPackages('template-shape')('the realistic generator\'s project (48 models, dbt_utils)', () => {
    inTempDir('landfall-shape-realistic-', (dir) => {
      generateRealisticProject(dir, 48);
      expect(fs.existsSync(path.join(dir, realisticModelFile(5)))).toBe(true);
      expect(fs.existsSync(DBT_UTILS_DIR)).toBe(true);
      expectSameCompile(dir);
    });
  });

  test('the demo project (dbt/)', () => inDemoProjectCopy('landfall-shape-demo-', expectSameCompile));

  testEachPackageProject('template-shape', 'shape', expectSameCompile);
});
