/**
 * Generic tests from YAML properties (`not_null`, `dbt_utils.expression_is_true`, a project's own
 * `{% test name(...) %}`): their dbt names and aliases, arguments and configs, and the SQL that calls the
 * built-in test or the test macro.
 */
import { createHash } from 'node:crypto';
import { ProjectError, lineOf } from '../errors';
import type { TestNode } from '../manifest';
import { buildGenericTestSql, GENERIC_TESTS } from '../tests/generic-tests';
import { packageMacroName } from '../macros';
import { escapeRegex, thresholdsOf, severityOf, toStringList } from './config-levels';
import type { ColumnEntry, TestEntry } from './project-files';

export function testEntries(holder: { data_tests?: TestEntry[]; tests?: TestEntry[] }): TestEntry[] {
  return [...(holder.data_tests ?? []), ...(holder.tests ?? [])];
}

export interface GenericTestInput {
  projectName: string;
  file: string;
  text: string;
  entry: TestEntry;
  refExpr: string;
  attachedTo: string;
  modelName: string;
  column?: ColumnEntry;
  /** The root project's name: its test macros keep their plain names. */
  rootName: string;
  resolveRefName: (name: string, file: string, text: string) => string;
  /** The id of `source(name, table)` (a ProjectError when there is none). */
  resolveSource: (sourceName: string, tableName: string, file: string, text: string) => string;
  /** Generic tests the project and its packages define (`{% test name(...) %}`), by how YAML names them (`name`, `package.name`). */
  customTests: ReadonlyMap<string, { packageName: string; macro: string }>;
  /** A test argument holding Jinja (`values: "{{ var('statuses') }}"`), rendered to its value as dbt does. */
  renderArgument?: (value: string, file: string) => unknown;
}

/** Keys of a generic test entry that configure the test rather than being arguments of it. */
const TEST_CONFIG_KEYS = ['severity', 'where', 'tags', 'limit', 'error_if', 'warn_if', 'store_failures', 'store_failures_as', 'fail_calc', 'enabled', 'meta', 'database', 'schema', 'alias'];
const NOT_TEST_ARGUMENTS = new Set(['arguments', 'config', 'name', ...TEST_CONFIG_KEYS]);

/** A generic test and the configs `addTest` resolves (`store_failures`, and the alias of the stored failures). */
export function makeGenericTest(input: GenericTestInput): { test: TestNode; config: Record<string, unknown> } {
  const { entry, file, text } = input;
  const [testName, rawArgs] = typeof entry === 'string' ? [entry, {}] : (Object.entries(entry)[0] ?? ['', {}]);
  const args = { ...((rawArgs ?? {}) as Record<string, unknown>) };
  // dbt 1.10 nests test arguments under `arguments:`; older projects put them at the top level.
  const nested = (args.arguments ?? {}) as Record<string, unknown>;
  const config = { ...((args.config ?? {}) as Record<string, unknown>) };
  for (const key of TEST_CONFIG_KEYS) {
    if (args[key] !== undefined && config[key] === undefined) config[key] = args[key];
  }
  const allArgs = Object.fromEntries(Object.entries({ ...args, ...nested }).filter(([key]) => !NOT_TEST_ARGUMENTS.has(key)));
  // A model-level test may name its column as an argument (`unique: {arguments: {column_name: id}}`).
  const columnName = input.column?.name ?? (typeof allArgs.column_name === 'string' ? allArgs.column_name : undefined);
  const testArgs = Object.fromEntries(Object.entries(allArgs).filter(([key]) => key !== 'column_name'));
  // The line is looked up only for an error (scanning a large properties file once per test made compiling
  // 10,000 models with 20,000 tests quadratic), and without a closure per test: under tsx (esbuild's keepNames),
  // creating a named closure costs about a microsecond.
  const nameInFile = input.column?.name ?? input.modelName;
  // `dbt_utils.expression_is_true`: a package's test; a bare name is the project's, any package's or built in.
  const dot = testName.indexOf('.');
  const namespace = dot > 0 ? testName.slice(0, dot) : undefined;
  const bareName = dot > 0 ? testName.slice(dot + 1) : testName;
  const custom = input.customTests.get(testName);
  const builtIn = (namespace === undefined || namespace === 'dbt') && GENERIC_TESTS[bareName] !== undefined;
  if (!builtIn && !custom) {
    const known = [...Object.keys(GENERIC_TESTS), ...input.customTests.keys()].sort();
    throw new ProjectError(file, `unknown generic test '${testName}': no built-in test and no {% test ${bareName}(...) %} in ${namespace ? `package '${namespace}'` : 'macros/, tests/generic/ or an installed package'} (known: ${known.join(', ')})`, lineOfName(text, nameInFile));
  }
  const dependsOn = [input.attachedTo];
  if (!custom && bareName === 'relationships') {
    const to = String(testArgs.to ?? '');
    const refName = /ref\(\s*['"]([^'"]+)['"]\s*\)/.exec(to)?.[1];
    const sourceMatch = /source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/.exec(to);
    if (refName) dependsOn.push(input.resolveRefName(refName, file, text));
    else if (sourceMatch) dependsOn.push(input.resolveSource(sourceMatch[1]!, sourceMatch[2]!, file, text));
    else throw new ProjectError(file, `relationships test: 'to' must be ref('model') or source('src', 'table'), got '${to}'`, lineOfName(text, nameInFile));
  }
  // dbt renders every string argument of a test macro; one that looks like `ref(…)`, `source(…)`, `var(…)` or
  // `env_var(…)` is an expression, and its refs and sources are the test's parents.
  if (custom) {
    for (const call of functionCalls(testArgs)) {
      const ref = /^\s*ref\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"]([^'"]+)['"]/.exec(call)?.[1];
      const source = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]/.exec(call);
      if (ref) dependsOn.push(input.resolveRefName(ref, file, text));
      else if (source) dependsOn.push(input.resolveSource(source[1]!, source[2]!, file, text));
    }
  }
  // The name keeps the arguments as written; the SQL gets their rendered values.
  const sqlArgs = Object.fromEntries(Object.entries(testArgs).map(([key, value]) =>
    [key, typeof value === 'string' && /\{[{%]/.test(value) && key !== 'to' && input.renderArgument ? input.renderArgument(value, file) : value]));
  let rawSql: string;
  try {
    const where = typeof config.where === 'string' ? config.where : undefined;
    rawSql = custom
      ? buildCustomTestSql(custom.packageName === input.rootName ? custom.macro : packageMacroName(custom.packageName, custom.macro), input.refExpr, columnName, sqlArgs, where)
      : buildGenericTestSql(bareName, { model: input.refExpr, columnName, args: sqlArgs, where });
  } catch (error) {
    throw new ProjectError(file, `${testName} test on '${input.modelName}${columnName ? `.${columnName}` : ''}': ${(error as Error).message}`, lineOfName(text, nameInFile));
  }
  const isSource = input.attachedTo.startsWith('source.');
  // dbt: `[<namespace>_][source_]<test>` before the model's name.
  const nameBase = `${namespace ? `${namespace}_` : ''}${isSource ? 'source_' : ''}${bareName}`;
  const name = typeof args.name === 'string' ? args.name : dbtTestName(nameBase, input.modelName, columnName, testArgs, false);
  const alias = typeof args.name === 'string' ? name : dbtTestAlias(name, nameBase, input.modelName, false);
  const test: TestNode = {
    uniqueId: `test.${input.projectName}.${name}`,
    resourceType: 'test',
    name,
    origin: { file },
    kind: 'generic',
    testName: bareName,
    rawSql,
    attachedTo: input.attachedTo,
    columnName,
    severity: severityOf(config.severity, file),
    where: typeof config.where === 'string' ? config.where : undefined,
    ...thresholdsOf(config, file),
    tags: toStringList(config.tags),
    dependsOn,
    // dbt's test_metadata kwargs: the arguments as written (no `description`), and the column.
    testMetadata: { name: bareName, namespace: namespace ?? null, kwargs: { ...withoutKey(allArgs, 'description'), ...(columnName === undefined ? {} : { column_name: columnName }) } },
  };
  return { test, config: { ...config, alias: typeof config.alias === 'string' ? config.alias : alias } };
}

/**
 * A call of a test macro (`test_<name>`, or a package's renamed one) with dbt's arguments: `model` (the relation,
 * or with a `where` config the filtered subquery dbt substitutes), `column_name`, and the YAML arguments as Jinja
 * literals, except strings that look like `ref(…)`/`source(…)`/`var(…)`/`env_var(…)`, which dbt evaluates.
 */
function buildCustomTestSql(macro: string, refExpr: string, column: string | undefined, args: Record<string, unknown>, where: string | undefined): string {
  const kwargs = [
    'model=__test_model',
    ...(column === undefined ? [] : [`column_name=${JSON.stringify(column)}`]),
    ...Object.entries(args).map(([k, v]) => `${k}=${jinjaLiteral(v)}`),
  ];
  // As dbt's get_where_subquery: the relation itself (macros call adapter methods on it), or with `where` the text.
  const model = where ? `{% set __test_model %}(select * from {{ ${refExpr} }} where ${where}) dbt_subquery{% endset %}` : `{% set __test_model = ${refExpr} %}`;
  return `${model}{{ ${macro}(${kwargs.join(', ')}) }}`;
}

/** dbt's pattern for a test argument that is a call (`add_rendered_test_kwargs`). */
const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/s;

function jinjaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'object' && functionCalls(value).length === 0) return JSON.stringify(value);
  if (typeof value === 'string') return LOOKS_LIKE_CALL.test(value) ? value.trim() : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jinjaLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${jinjaLiteral(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/** The `ref(…)`/`source(…)` calls among a test's arguments, at any depth. */
function functionCalls(value: unknown): string[] {
  if (typeof value === 'string') return LOOKS_LIKE_CALL.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(functionCalls);
  if (value && typeof value === 'object') return Object.values(value).flatMap(functionCalls);
  return [];
}

/**
 * dbt's generated test name: `[source_]<test>_<model>_<arg values>`, where the arguments (the column
 * name among them) are sorted by key, list and dict values are flattened, values are printed as Python
 * prints them and non-identifier characters become `_`. dbt keeps this full name as the node name; the
 * short form ({@link dbtTestAlias}) names the relation of stored failures.
 */
export function dbtTestName(testName: string, modelName: string, column: string | undefined, args: Record<string, unknown>, isSource: boolean): string {
  const all: Record<string, unknown> = column === undefined ? { ...args } : { ...args, column_name: column };
  const flat = Object.keys(all).sort().flatMap((k) => flattenedValues(all[k])).map((v) => pythonString(v).replace(/[^0-9a-zA-Z_]+/g, '_'));
  // dbt always joins with `_`, so a test without arguments or column ends in `_`.
  return `${isSource ? 'source_' : ''}${testName}_${modelName}_${flat.join('__')}`;
}

function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

function pythonString(value: unknown): string {
  return value === true ? 'True' : value === false ? 'False' : value === null ? 'None' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function flattenedValues(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : [value];
}

/** The line of a properties file that gives `name: <name>` (1-based), to point an error at. */
function lineOfName(text: string, name: string): number | undefined {
  return lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(name)}['"]?\\s*$`, 'm'));
}

/** The relation name dbt gives a test's stored failures: the full name, or when 64 characters or longer, 30 characters and an md5. */
export function dbtTestAlias(fullName: string, testName: string, modelName: string, isSource: boolean): string {
  if (fullName.length < 64) return fullName;
  return `${isSource ? 'source_' : ''}${testName}_${modelName}`.slice(0, 30) + '_' + createHash('md5').update(fullName).digest('hex');
}

