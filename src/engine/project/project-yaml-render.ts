/**
 * dbt renders Jinja in `dbt_project.yml` when it loads the project: `+materialized: "{{ 'table' if
 * target.name == 'prod' else 'view' }}"`, `+enabled: "{{ env_var('X', 'true') == 'true' }}"` or
 * `+schema: "{{ env_var('SCHEMA') }}"`, natively (an expression alone keeps its type). Not rendered there:
 * `on-run-start`/`on-run-end`/`query-comment`, model and seed hooks (rendered when they run), and `vars`
 * (rendered when used: dbt renders a var's value when `var()` reads it; here once, at compile time).
 */
import { renderTemplate, TemplateRenderError } from '../jinja/environment';
import { parseTimeContext } from '../render/render-context';
import type { Target } from '../target';
import { ProjectError } from '../errors';

const NOT_RENDERED = new Set(['on-run-start', 'on-run-end', 'query-comment', 'vars']);
const RESOURCE_KEYS = new Set(['models', 'seeds', 'snapshots', 'tests', 'data_tests', 'sources']);
const HOOK_KEYS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);

const hasJinja = (value: string) => value.includes('{{') || value.includes('{%');

/**
 * A copy of the project YAML with its Jinja rendered as dbt renders it (vars rendered too, with the
 * `var()` of `--vars` only). Values without Jinja are kept as they are (the same object when none has any).
 *
 * @example
 * renderProjectYaml({ models: { p: { '+materialized': "{{ 'view' }}" } } }, { target, cliVars: {} })
 * // { models: { p: { '+materialized': 'view' } } }
 */
export function renderProjectYaml<T extends Record<string, unknown>>(project: T, inputs: { target: Target; cliVars: Record<string, unknown>; now?: Date }): T {
  if (!hasJinja(JSON.stringify(project))) return project;
  const context = parseTimeContext({ target: inputs.target, vars: inputs.cliVars, now: inputs.now, where: 'dbt_project.yml' });
  // A var renders as text, as a model would print it, unless it is one `{{ expression }}`.
  const render = (value: string, readLiterals: boolean): unknown => {
    try {
      return renderNative(value, context, readLiterals);
    } catch (error) {
      if (error instanceof TemplateRenderError) throw new ProjectError('dbt_project.yml', `could not render '${value}': ${error.detail}`);
      throw error;
    }
  };
  const walk = (value: unknown, path: string[]): unknown => {
    if (typeof value === 'string') return hasJinja(value) ? render(value, path[0] !== 'vars') : value;
    if (Array.isArray(value)) return value.map((item) => walk(item, path));
    if (value === null || typeof value !== 'object') return value;
    const first = path[0];
    if (first !== undefined && RESOURCE_KEYS.has(first) && path.some((key) => HOOK_KEYS.has(key.replace(/^\+/, '')))) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => {
      const keyPath = [...path, key];
      if (path.length === 0 && NOT_RENDERED.has(key) && key !== 'vars') return [key, item];
      if (RESOURCE_KEYS.has(keyPath[0]!) && HOOK_KEYS.has(key.replace(/^\+/, ''))) return [key, item];
      return [key, walk(item, keyPath)];
    }));
  };
  return walk(project, []) as T;
}

/**
 * dbt's native rendering: a value that is one `{{ expression }}` keeps the expression's type (a list, a
 * boolean, a string); anything else renders to text, read back as a number or boolean when it is one.
 */
export function renderNative(value: string, context: Record<string, unknown>, readLiterals = true): unknown {
  const expression = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(value)?.[1];
  if (expression !== undefined && !expression.includes('{{') && !expression.includes('}}')) {
    const json = renderTemplate(`{{ (${expression}) | tojson }}`, context, { file: 'dbt_project.yml', macros: '' });
    return JSON.parse(json) as unknown;
  }
  const text = renderTemplate(value, context, { file: 'dbt_project.yml', macros: '' });
  return readLiterals ? literal(text) : text;
}

/** Python's `ast.literal_eval` on rendered text, as dbt's native rendering does for numbers and booleans. */
function literal(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === 'True') return true;
  if (text === 'False') return false;
  if (text === 'None') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return value;
}
