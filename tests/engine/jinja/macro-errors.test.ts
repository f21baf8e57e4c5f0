/**
 * Errors raised in a macro file are blamed on that file and its own line, naming the macro and the node that
 * called it (issue 15 row 12), like dbt's "> in macro b (macros/b.sql) > called by model x".
 */
import { compileManifest } from '../../../src/engine/compile';
import { macroFileMarker, macroOrigin, renderTemplate } from '../../../src/engine/jinja/environment';
import type { ProjectFiles } from '../../../src/engine/project/project-files';
import { RelationRef } from '../../../src/engine/render/relation';
import { modelRenderContext } from '../../support/render-in-context';

const context = () => modelRenderContext({ self: new RelationRef('analytics', 'x'), invocationId: 'inv' });

const MACROS = [
  `${macroFileMarker('macros/a.sql')}{% macro a() %}\nok\n{% endmacro %}`,
  `${macroFileMarker('macros/b.sql')}{% macro b() %}\nline2\n{{ exceptions.raise_compiler_error('boom') }}\n{% endmacro %}\n{% macro c() %}\n{{ return(d()) }}\n{% endmacro %}\n{% macro d() %}\n{{ undefined_fn() }}\n{% endmacro %}`,
  `${macroFileMarker('macros/e.sql')}{% macro e() %}{{ return(1) }}{% endmacro %}`,
].join('\n');

const errorOf = (source: string, macros = MACROS) => {
  try {
    renderTemplate(source, context(), { file: 'models/x.sql', macros });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
};

describe('errors in macro files', () => {
  it('names the macro file, its own line, the macro and the caller', () => {
    expect(errorOf('select 1\n{{ b() }}')).toBe('macros/b.sql:3: Compilation Error: boom (in macro b, called by models/x.sql)');
    // The innermost macro is blamed when one macro calls another.
    expect(errorOf('select {{ c() }}')).toBe('macros/b.sql:9: Unable to call `undefined_fn`, which is undefined or falsey (in macro d, called by models/x.sql)');
  });

  it('blames a syntax error in a macro file on that file, and leaves return() alone', () => {
    const broken = `${MACROS}\n${macroFileMarker('macros/bad.sql')}{% macro bad() %}\n\n{{ 1 +* }}\n{% endmacro %}`;
    expect(errorOf('select 1', broken)).toBe('macros/bad.sql:3: unexpected token: * (while rendering models/x.sql)');
    expect(renderTemplate('select {{ e() }}', context(), { file: 'models/x.sql', macros: MACROS })).toBe('select 1');
    expect(errorOf('select {{ 1 +* }}')).toBe('models/x.sql:1: unexpected token: *');
  });

  it('maps a line of the concatenated source back to its file', () => {
    expect(macroOrigin(MACROS, 5)).toEqual({ file: 'macros/b.sql', line: 2, macro: 'b' });
    expect(macroOrigin('{% macro z() %}\n{{ x }}', 2)).toEqual({ file: undefined, line: 2, macro: 'z' });
  });

  it('reports a macro raising at parse time on the macro file, with the model that called it', () => {
    const project: ProjectFiles = {
      root: '/nowhere',
      project: { name: 'shop' },
      models: [{ file: 'models/orders.sql', relative: 'orders.sql', text: 'select 1 as id\n{{ checked() }}' }],
      macros: [
        { file: 'macros/helpers.sql', relative: 'helpers.sql', text: '{% macro helper() %}1{% endmacro %}' },
        { file: 'macros/checked.sql', relative: 'checked.sql', text: "{% macro checked() %}\n\n{{ exceptions.raise_compiler_error('not allowed') }}\n{% endmacro %}" },
      ],
      singularTests: [],
      seeds: [],
      properties: [],
    };
    expect(() => compileManifest(project, { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } }))
      .toThrow('macros/checked.sql:3: Compilation Error: not allowed (in macro checked, called by models/orders.sql)');
  });

  it('names a package macro as the project calls it (dbt_utils.x), not by its internal name', () => {
    const empty = { models: [], singularTests: [], seeds: [], properties: [] };
    const project: ProjectFiles = {
      root: '/nowhere',
      project: { name: 'shop' },
      ...empty,
      models: [{ file: 'models/orders.sql', relative: 'orders.sql', text: 'select {{ dbt_utils.outer() }} as id' }],
      macros: [],
      packages: [{
        root: '/nowhere/dbt_packages/dbt_utils',
        project: { name: 'dbt_utils' },
        ...empty,
        macros: [{ file: 'dbt_packages/dbt_utils/macros/x.sql', relative: 'x.sql', text: '{% macro outer() %}{{ dbt_utils.missing() }}{% endmacro %}' }],
      }],
    };
    let message = '';
    try {
      compileManifest(project, { target: { name: 'dev', type: 'postgres', schema: 'analytics', database: 'dev' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('in macro dbt_utils.outer, called by models/orders.sql');
    expect(message).not.toContain('__landfall_pkg');
  });
});
