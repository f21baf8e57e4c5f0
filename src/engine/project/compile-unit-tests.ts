/**
 * Parse time for dbt unit tests (`unit_tests:` in YAML properties), built as dbt builds them: the model's SQL with
 * each `ref()`/`source()` it reads replaced by a CTE of the `given` rows, compared with the `expect` rows by EXCEPT
 * both ways (the test's failing rows are the rows only one side has). Given rows are cast to the columns of the real
 * upstream relation (read at run time, as dbt does; a column a row leaves out is null); expected rows take the
 * types of the model's own columns. Formats: `dict` (default), `csv` (inline, or `fixture:` a file under a test
 * path's `fixtures/`) and `sql`. `overrides`: `macros` (e.g. `is_incremental: true`) and `vars`.
 *
 * The unit test is a test node with `unitTest` set (`unit_test.<pkg>.<model>.<name>`); the run puts it before its
 * model, which it gates (run/plan-run.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ProjectError, lineOf } from '../errors';
import type { Relation, TestNode } from '../manifest';
import { parseCsv } from './csv';
import { escapeRegex, mergeConfigLevels, toStringList } from './config-levels';
import type { ParseSession, ProjectScope } from './parse-session';

interface UnitInput {
  input?: string;
  rows?: unknown;
  format?: string;
  fixture?: string;
}

interface UnitTestEntry {
  name?: unknown;
  model?: unknown;
  given?: UnitInput[];
  expect?: UnitInput;
  overrides?: { macros?: Record<string, unknown>; vars?: Record<string, unknown>; env_vars?: Record<string, unknown> };
  config?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A SQL literal of a dict-format value (strings quoted; the casts to the column types do the rest). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return `'${value.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '')}'`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** A Jinja string literal. */
const jinjaString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

export function addUnitTests(session: ParseSession, scope: ProjectScope): void {
  const { packageName, files } = scope;
  for (const { file, content } of files.properties) {
    const list = (content as { unit_tests?: unknown }).unit_tests;
    if (list === undefined || list === null) continue;
    const text = scope.textOf(file);
    if (!Array.isArray(list)) throw new ProjectError(file, '`unit_tests:` must be a list');
    for (const entry of list as UnitTestEntry[]) {
      const name = typeof entry?.name === 'string' ? entry.name : undefined;
      const line = name ? lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(name)}['"]?\\s*$`, 'm')) : undefined;
      const fail = (message: string): never => {
        throw new ProjectError(file, `unit test '${name ?? '?'}': ${message}`, line);
      };
      if (!name) fail('every unit test needs a name');
      const config = mergeConfigLevels([entry.config ?? {}]);
      if (config.enabled === false) continue;
      if (typeof entry.model !== 'string') fail('`model:` names the model under test');
      const modelId = session.relationInPackage(entry.model as string, packageName);
      const model = modelId ? session.models[modelId] : undefined;
      if (!model) {
        if (session.disabledNames.has(entry.model as string)) continue;
        fail(`model '${String(entry.model)}' is not a model of this project`);
      }
      if (model!.config.materialized === 'snapshot' || model!.config.materialized === 'ephemeral') fail(`unit tests of a ${model!.config.materialized} are not supported (dbt tests models that build a relation)`);
      for (const key of Object.keys(entry.overrides ?? {})) {
        if (key !== 'macros' && key !== 'vars') fail(`overrides.${key} is not supported (supported: macros, vars)`);
      }
      if (!entry.expect || typeof entry.expect !== 'object') fail('`expect:` is required');
      const given = Array.isArray(entry.given) ? entry.given : entry.given === undefined ? [] : fail('`given:` must be a list');
      const refNames = new Map<string, string>();
      const sourceNames = new Map<string, string>();
      const ctes: string[] = [];
      given.forEach((input, i) => {
        const expr = String(input?.input ?? '').trim();
        const cte = `__dbt__unit_given_${i}`;
        const ref = /^ref\(\s*['"]([^'"]+)['"]\s*\)$/.exec(expr);
        const source = /^source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)$/.exec(expr);
        let relation: Relation;
        if (ref) {
          const id = session.relationByName(ref[1]!, packageName) ?? fail(`given input ${expr} matches no model, seed or snapshot`);
          relation = (session.models[id] ?? session.seeds[id])!.relation;
          refNames.set(ref[1]!, cte);
        } else if (source) {
          const id = session.resolveSource(source[1]!, source[2]!, packageName, file, text);
          relation = session.sources[id]!.relation;
          sourceNames.set(`${source[1]}.${source[2]}`, cte);
        } else if (expr === 'this') {
          relation = model!.relation;
          refNames.set('__this__', cte);
        } else {
          return fail(`given input '${expr}' must be ref('…'), source('…', '…') or this`);
        }
        ctes.push(`${cte} as (\n${givenSql(input, i, relation, files, fail)}\n)`);
      });
      const expectedRows = rowsOf(entry.expect!, files, fail);
      if (expectedRows.kind === 'sql') return fail("expect in format 'sql' is not supported: give the expected rows as dict or csv");
      const expected = expectedRows;
      const columns = expected.columns;
      // `rows: []` expects no rows at all: every column of the model is compared.
      const quotedColumns = columns.length === 0 ? '*' : columns.map((c) => `"${c}"`).join(', ');
      const expectRows = expected.rows.map((row) => `select ${row.map((v, j) => `${v} as "${columns[j]}"`).join(', ')}`);
      // A macro override returns its value; `pkg.macro` replaces the entry of the package's namespace dict, which the
      // package's own calls (`pkg.macro(…)`) go through.
      const macroOverrides = Object.entries(entry.overrides?.macros ?? {}).map(([macro, value], k) => {
        const [pkg, own] = macro.includes('.') ? macro.split('.', 2) : [undefined, macro];
        if (!/^[A-Za-z_]\w*$/.test(own!) || (pkg !== undefined && !/^[A-Za-z_]\w*$/.test(pkg))) fail(`overrides.macros: '${macro}' is not a macro name`);
        const body = `{{ return(${JSON.stringify(value ?? null)}) }}`;
        return pkg === undefined
          ? `{%- macro ${own}() -%}${body}{%- endmacro -%}`
          : `{%- macro __dbt__unit_override_${k}() -%}${body}{%- endmacro -%}{%- do ${pkg}.update({'${own}': __dbt__unit_override_${k}}) -%}`;
      });
      const varOverrides = entry.overrides?.vars ?? {};
      const prelude = [
        `{%- macro ref(name, v=none, version=none) -%}{%- set __given = ${JSON.stringify(Object.fromEntries(refNames))} -%}`
          + `{%- if name not in __given -%}{{ exceptions.raise_compiler_error("unit test ${name}: ref('" ~ name ~ "') is not in given: add it as an input") }}{%- endif -%}{{ return(__given[name]) }}{%- endmacro -%}`,
        `{%- macro source(s, t) -%}{%- set __given = ${JSON.stringify(Object.fromEntries(sourceNames))} -%}{%- set key = s ~ '.' ~ t -%}`
          + `{%- if key not in __given -%}{{ exceptions.raise_compiler_error("unit test ${name}: source('" ~ s ~ "', '" ~ t ~ "') is not in given: add it as an input") }}{%- endif -%}{{ return(__given[key]) }}{%- endmacro -%}`,
        ...(refNames.has('__this__') ? [`{%- set this = '${refNames.get('__this__')}' -%}`] : []),
        ...(Object.keys(varOverrides).length ? [`{%- set __unit_vars = ${JSON.stringify(varOverrides)} -%}{%- macro var(name, default=none) -%}{{ return(__unit_vars[name] if name in __unit_vars else default) }}{%- endmacro -%}`] : []),
        ...macroOverrides,
      ].join('\n');
      const sql = [
        prelude,
        `with ${[...ctes,
          `__dbt__unit_actual as (\nselect ${quotedColumns} from (\n${model!.rawSql}\n) as __dbt__unit_model\n)`,
          `__dbt__unit_expected as (\nselect * from __dbt__unit_actual where 1 = 0${expectRows.map((r) => `\nunion all\n${r}`).join('')}\n)`,
          // Rows compare as multisets, as dbt's: each copy of a duplicate row is numbered (EXCEPT ALL is not Redshift's).
          ...(['actual', 'expected'].map((side) => `__dbt__unit_${side}_copies as (\nselect *${columns.length ? `, row_number() over (partition by ${quotedColumns}) as __dbt__unit_copy` : ''} from __dbt__unit_${side}\n)`)),
        ].join(',\n')}`,
        `select 'actual' as actual_or_expected, * from (select * from __dbt__unit_actual_copies except select * from __dbt__unit_expected_copies) as __dbt__unit_only_actual`,
        'union all',
        `select 'expected' as actual_or_expected, * from (select * from __dbt__unit_expected_copies except select * from __dbt__unit_actual_copies) as __dbt__unit_only_expected`,
      ].join('\n');
      const uniqueId = `unit_test.${packageName}.${model!.name}.${name}`;
      const test: TestNode = {
        uniqueId,
        resourceType: 'test',
        name: name!,
        origin: { file, ...(line !== undefined ? { line } : {}) },
        kind: 'singular',
        rawSql: sql,
        attachedTo: model!.uniqueId,
        severity: 'error',
        tags: toStringList(config.tags),
        dependsOn: [model!.uniqueId],
        unitTest: { model: model!.uniqueId },
      };
      if (session.tests[uniqueId]) fail(`two unit tests of model '${model!.name}' are named '${name}'`);
      session.tests[uniqueId] = test;
    }
  }
}

type Rows = { kind: 'rows'; columns: string[]; rows: string[][] } | { kind: 'sql'; sql: string };

/** Rows of a given or expect entry, as SQL literals by column. */
function rowsOf(input: UnitInput, files: ProjectScope['files'], fail: (m: string) => never): Rows {
  const format = input.format ?? 'dict';
  if (format !== 'dict' && format !== 'csv' && format !== 'sql') fail(`format '${format}' is not one of dict, csv, sql`);
  let rows = input.rows;
  if (input.fixture !== undefined) {
    if (format === 'dict') fail('a fixture needs format csv or sql');
    rows = readFixture(String(input.fixture), format === 'csv' ? 'csv' : 'sql', files, fail);
  }
  if (format === 'sql') {
    if (typeof rows !== 'string' || rows.trim() === '') fail('format sql needs rows: a SELECT (or a fixture)');
    return { kind: 'sql', sql: rows as string };
  }
  if (format === 'csv') {
    if (typeof rows !== 'string') fail('format csv needs rows as a CSV string with a header (or a fixture)');
    const parsed = parseCsv((rows as string).trim(), ',', 'skip');
    const columns = (parsed[0] ?? []).map((c) => String(c ?? '').trim().toLowerCase());
    return { kind: 'rows', columns, rows: parsed.slice(1).map((r) => columns.map((_, j) => (r[j] === undefined || r[j] === '' || r[j] === 'null' ? 'null' : literal(r[j])))) };
  }
  if (rows === undefined || rows === null) rows = [];
  if (!Array.isArray(rows) || rows.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) fail('format dict needs rows as a list of mappings, e.g. [{id: 1}]');
  const list = rows as Record<string, unknown>[];
  const columns = [...new Set(list.flatMap((r) => Object.keys(r).map((k) => k.toLowerCase())))];
  return { kind: 'rows', columns, rows: list.map((r) => {
    const lower = Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));
    return columns.map((c) => literal(lower[c]));
  }) };
}

function readFixture(name: string, ext: 'csv' | 'sql', files: ProjectScope['files'], fail: (m: string) => never): string {
  for (const testPath of (files.project['test-paths'] as string[] | undefined) ?? ['tests']) {
    const dir = path.join(files.root, testPath, 'fixtures');
    const found = findFile(dir, `${name}.${ext}`);
    if (found) return fs.readFileSync(found, 'utf8');
  }
  return fail(`fixture '${name}.${ext}' not found under a test path's fixtures/ folder`);
}

function findFile(dir: string, fileName: string): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = findFile(full, fileName);
      if (inner) return inner;
    } else if (entry.name === fileName) return full;
  }
  return undefined;
}

/**
 * A given input's CTE body: its SQL as written (format sql), or its rows cast to the columns of the real relation
 * (read at run time; a column a row leaves out is null). When the relation has no columns (not built), the rows as
 * literals.
 */
function givenSql(input: UnitInput, i: number, relation: Relation, files: ProjectScope['files'], fail: (m: string) => never): string {
  const rows = rowsOf(input, files, fail);
  if (rows.kind === 'sql') return rows.sql;
  const rowDicts = rows.rows.map((r) => `{${r.map((v, j) => `${jinjaString(rows.columns[j]!)}: ${jinjaString(v)}`).join(', ')}}`);
  const relationArgs = `schema=${jinjaString(relation.schema)}, identifier=${jinjaString(relation.identifier)}${relation.database ? `, database=${jinjaString(relation.database)}` : ''}`;
  const literalRows = rows.rows.length
    ? rows.rows.map((r) => `select ${r.map((v, j) => `${v} as "${rows.columns[j]}"`).join(', ')}`).join('\nunion all\n')
    : 'select null as "__dbt__unit_no_rows" where 1 = 0';
  return [
    `{%- set __cols_${i} = adapter.get_columns_in_relation(api.Relation.create(${relationArgs})) -%}`,
    `{%- set __rows_${i} = [${rowDicts.join(', ')}] -%}`,
    `{%- if __cols_${i} | length == 0 -%}\n${literalRows}\n{%- elif __rows_${i} | length == 0 -%}`,
    `select {% for col in __cols_${i} %}cast(null as {{ col.data_type }}) as {{ adapter.quote(col.name) }}{{ ', ' if not loop.last }}{% endfor %} where 1 = 0`,
    `{%- else -%}`,
    `{%- for row in __rows_${i} %}{{ '\\nunion all\\n' if not loop.first }}select {% for col in __cols_${i} %}cast({{ row.get(col.name | lower, 'null') }} as {{ col.data_type }}) as {{ adapter.quote(col.name) }}{{ ', ' if not loop.last }}{% endfor %}{% endfor %}`,
    `{%- endif -%}`,
  ].join('\n');
}
