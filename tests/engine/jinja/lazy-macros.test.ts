/**
 * A macro source compiled lazily (src/engine/jinja/lazy-macros.ts: parsed whole, each top-level macro compiled on its
 * first call) renders byte for byte as the source compiled at once: macros calling macros, `{% call %}` blocks,
 * `return()`, namespace dicts, errors and their lines; then every model and test of the realistic generator's project,
 * the demo dbt/ project and the packages' integration projects under ../shared/dbt-packages.
 */
import nunjucks from 'nunjucks';
import { generateRealisticProject } from '../../../bench/support/realistic-project';
import { MacroReturn, macroFileMarker, renderTemplate, useLazyMacros } from '../../../src/engine/jinja/environment';
import { compileAndRenderEverything, inDemoProjectCopy, inTempDir, testEachPackageProject, testWithPackages } from '../../support/real-projects';

afterEach(() => useLazyMacros(true));

const MACROS = [
  `${macroFileMarker('macros/a.sql')}{% macro outer(x) %}[{{ inner(x) }}|{% call wrap('w') %}body {{ x }}{% endcall %}]{% endmacro %}`,
  '{% macro inner(x, y=2) %}{{ x }}-{{ y }}{% endmacro %}',
  "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}",
  '{% macro early(n) %}{% if n > 1 %}{{ return(n * 10) }}{% endif %}small{% endmacro %}',
  '{% macro extras(a) %}{{ a }} {{ varargs }} {{ kwargs }}{% endmacro %}',
  '{% macro _private() %}p{% endmacro %}',
  `${macroFileMarker('macros/b.sql')}{% macro broken(v) %}`,
  '',
  "{{ v.missing.deeper }}{{ undefined_fn() }}",
  '{% endmacro %}',
  "{% macro later() %}{{ ns.early(5) }}{% endmacro %}",
  "{% set ns = {'early': early, 'inner': inner} %}",
].join('\n');

const TEMPLATES = [
  "select {{ outer('a') }}",
  'select {{ early(1) }} {{ early(3) }} {{ early(3) + 1 }}',
  "{{ extras(1, 2, 3, k='v') }} {{ _private() }} {{ inner(x=5, y=6) }}",
  '{{ later() }} {{ ns.inner(7) }}',
  '{{ broken(none) }}',
  "{% set r = inner('q') %}{{ r ~ '!' }} {{ outer(early(2)) }}",
];

/** The output (or the error message) of rendering `source` over MACROS, lazily or all compiled at once. */
function render(source: string, lazy: boolean, macros = MACROS): string {
  useLazyMacros(lazy);
  try {
    const context = { note: 'n', return: (value: unknown) => { throw new MacroReturn(value); } };
    return renderTemplate(source, context, { file: 'models/x.sql', macros });
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('a macro source compiled lazily', () => {
  test.each(TEMPLATES)('renders %j as the source compiled at once', (source) => {
    const eager = render(source, false);
    if (!source.includes('broken')) expect(eager).not.toMatch(/^error/);
    expect(render(source, true)).toBe(eager);
    expect(render(source, true)).toBe(eager); // and again, with the macros compiled by the first render
  });

  test('an error inside a lazily compiled macro names the macro file and its own line', () => {
    expect(render('{{ broken(none) }}', true)).toMatch(/^error: macros\/b\.sql:3: /);
  });

  test('compiles only the macros a render calls, each once', () => {
    const compiler = (nunjucks as unknown as { compiler: { compile: (...args: unknown[]) => string } }).compiler;
    const spy = jest.spyOn(compiler, 'compile');
    try {
      const macros = `${MACROS}\n{% macro unused_one() %}1{% endmacro %}\n{% macro unused_two() %}2{% endmacro %}`;
      expect(render("{{ inner('a') }}", true, macros)).toBe('a-2');
      const afterFirst = spy.mock.calls.length;
      // The top level without the macros, the model's template and `inner`: not the other nine macros.
      expect(afterFirst).toBeLessThanOrEqual(3);
      expect(render("{{ inner('b') }}", true, macros)).toBe('b-2');
      expect(spy.mock.calls.length - afterFirst).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });

  test('a syntax error in a macro nobody calls still fails the render, on its file and line', () => {
    const broken = `${MACROS}\n${macroFileMarker('macros/bad.sql')}{% macro bad() %}\n\n{{ 1 +* }}\n{% endmacro %}`;
    expect(render('select 1', true, broken)).toBe('error: macros/bad.sql:3: unexpected token: * (while rendering models/x.sql)');
    expect(render('select 1', true, broken)).toBe(render('select 1', false, broken));
  });
});

/** compileAndRenderEverything with the macros compiled lazily or not. */
function compileEverything(dir: string, lazy: boolean): { manifest: unknown; sql: Record<string, string> } {
  useLazyMacros(lazy);
  try {
    return compileAndRenderEverything(dir);
  } finally {
    useLazyMacros(true);
  }
}

/**
 * An error's message without where it is blamed (`file:line: ` and `(in macro …)`). Compiled at once, every macro of
 * the source shares one `lineno` variable, which a nested macro call leaves at its own line: an error raised by a JS
 * function a macro calls after that (`statement`, `run_query`) was blamed on the nested macro's line ("in dbt's macro
 * library"); compiled lazily, each macro has its own, and the error names the line that called the function.
 */
const errorCore = (text: string): string => text.replace(/^error: \S+: /, 'error: ').replace(/ \(in (dbt's macro library|macro [^)]*)[^)]*\)$/, '');

function expectSameCompile(dir: string): void {
  compileEverything(dir, false);
  const eager = compileEverything(dir, false);
  const lazy = compileEverything(dir, true);
  expect(Object.keys(eager.sql).length).toBeGreaterThan(0);
  const core = (sql: Record<string, string>) => Object.fromEntries(Object.entries(sql).map(([id, text]) => [id, errorCore(text)]));
  expect(core(lazy.sql)).toEqual(core(eager.sql));
  const successes = (sql: Record<string, string>) => Object.fromEntries(Object.entries(sql).filter(([, text]) => !text.startsWith('error: ')));
  expect(successes(lazy.sql)).toEqual(successes(eager.sql));
  expect(lazy.manifest).toEqual(eager.manifest);
}

describe('whole projects compile the same with lazy macros', () => {
  testWithPackages('lazy-macros')('the realistic generator\'s project (48 models, dbt_utils)', () => {
    inTempDir('landfall-lazy-realistic-', (dir) => {
      generateRealisticProject(dir, 48);
      expectSameCompile(dir);
    });
  });

  test('the demo project (dbt/)', () => inDemoProjectCopy('landfall-lazy-demo-', expectSameCompile));

  testEachPackageProject('lazy-macros', 'lazy', expectSameCompile);
});
