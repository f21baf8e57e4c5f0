/**
 * Parse time: turn project files into the compiled artifact ({@link Manifest}). Each model is rendered once
 * with recording hooks, so `ref()`/`source()`/`config()` calls build the graph and configs without a
 * warehouse; the model's Jinja source is kept for run-time rendering.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ProjectError, lineOf } from '../errors';
import type {
  Manifest, ModelNode, NodeConfig, SeedNode, Severity, SourceTable, TestNode, Materialization,
} from '../manifest';
import type { Target } from '../target';
import { renderTemplate, TemplateRenderError } from '../jinja/environment';
import { buildRenderContext } from '../render/render-context';
import { RelationRef } from '../render/relation';
import { inferSeedType, parseCsv } from './csv';
import { parseStatically } from './static-parser';
import type { ColumnEntry, ProjectFiles, TestEntry } from './project-files';
import { buildGenericTestSql, GENERIC_TESTS } from '../tests/generic-tests';
import { validatePartitionConfig } from '../materializations/partitioned/config';
import { mergeHooks } from '../materializations/hooks';
import type { FreshnessConfig } from '../freshness/freshness';

const MATERIALIZATIONS: ReadonlySet<string> = new Set(['view', 'table', 'incremental', 'ephemeral']);
const FOLDER_CONFIG_KEYS = new Set([
  'materialized', 'schema', 'tags', 'enabled', 'incremental_strategy', 'unique_key', 'dist', 'sort', 'column_types',
  'severity', 'alias', 'full_refresh', 'on_schema_change', 'bind', 'sort_type', 'docs', 'persist_docs', 'meta',
  'pre-hook', 'post-hook', 'grants', 'quote_columns', 'database', 'where', 'limit', 'store_failures',
]);

export interface CompileOptions {
  target: Target;
  /** `--vars`, which override the project's `vars`. */
  cliVars?: Record<string, unknown>;
  now?: Date;
}

/**
 * Compile the project files into a manifest.
 *
 * @example
 * const manifest = compileManifest(readProjectFiles('dbt'), { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
 */
export function compileManifest(files: ProjectFiles, options: CompileOptions): Manifest {
  const projectName = files.project.name;
  const vars = { ...flattenProjectVars(files.project.vars ?? {}, projectName), ...(options.cliVars ?? {}) };
  const macroSource = files.macros.map((m) => m.text).join('\n');
  const macroLines = macroSource === '' ? 0 : macroSource.split('\n').length;
  const customTests = customGenericTests(macroSource);
  const prefix = macroSource === '' ? '' : `${macroSource}\n`;
  const target = options.target;

  const schemaFor = (custom: unknown) =>
    typeof custom === 'string' && custom !== '' ? `${target.schema}_${custom.trim()}` : target.schema;

  // dbt renders Jinja in property values such as a source's `schema: "{{ var('raw_schema') }}"`.
  const renderProperty = (value: string, file: string): string => {
    if (!value.includes('{{') && !value.includes('{%')) return value;
    try {
      return renderTemplate(value, buildRenderContext({
        target, vars, self: undefined, invocationId: 'parse', runStartedAt: options.now ?? new Date(),
        hooks: {
          ref: () => { throw new Error('ref() cannot be used in a property value'); },
          source: () => { throw new Error('source() cannot be used in a property value'); },
          config: () => undefined,
          configValues: () => ({}),
          isIncremental: () => false,
        },
      }), { file }).trim();
    } catch (error) {
      if (error instanceof TemplateRenderError) throw new ProjectError(file, `in '${value}': ${error.detail}`, lineOf(readText(files, file), new RegExp(escapeRegex(value.slice(0, 20)))));
      throw error;
    }
  };

  // Sources first: models resolve source() against them.
  const sources: Record<string, SourceTable> = {};
  for (const { file, content } of files.properties) {
    for (const source of content.sources ?? []) {
      for (const table of source.tables) {
        const uniqueId = `source.${projectName}.${source.name}.${table.name}`;
        sources[uniqueId] = {
          uniqueId,
          resourceType: 'source',
          sourceName: source.name,
          name: table.name,
          origin: { file, line: lineOf(readText(files, file), new RegExp(`name:\\s*['"]?${escapeRegex(table.name)}['"]?\\s*$`, 'm')) },
          relation: {
            schema: renderProperty(source.schema ?? source.name, file),
            identifier: renderProperty(table.identifier ?? table.name, file),
          },
          meta: { ...(source.meta ?? {}), ...(table.meta ?? {}) },
          tags: [...(source.tags ?? []), ...(table.tags ?? [])],
          ...freshnessOf(source, table),
        };
      }
    }
  }

  // Model properties from YAML, by model name.
  const modelProps = new Map<string, { file: string; entry: NonNullable<(typeof files.properties)[number]['content']['models']>[number] }>();
  for (const { file, content } of files.properties) {
    for (const entry of content.models ?? []) modelProps.set(entry.name, { file, entry });
  }

  // Seeds.
  const seeds: Record<string, SeedNode> = {};
  const seedProps = new Map<string, Record<string, unknown>>();
  for (const { content } of files.properties) for (const s of content.seeds ?? []) seedProps.set(s.name, s.config ?? {});
  for (const seedFile of files.seeds) {
    const name = path.basename(seedFile.file, '.csv');
    const folderConfig = folderConfigFor(files.project.seeds, projectName, seedFile.relative);
    const config = { ...folderConfig, ...(seedProps.get(name) ?? {}) } as Record<string, unknown>;
    // dbt merges dict configs such as column_types across levels.
    config.column_types = { ...(folderConfig.column_types as object | undefined), ...(seedProps.get(name)?.column_types as object | undefined) };
    const parsed = parseCsv(seedFile.text);
    const header = parsed[0];
    if (!header || header.length === 0) throw new ProjectError(seedFile.file, 'the CSV has no header row');
    const columns = header.map((h, i) => {
      if (!h) throw new ProjectError(seedFile.file, `column ${i + 1} of the header is empty`, 1);
      return h.trim();
    });
    const rows = parsed.slice(1);
    rows.forEach((row, i) => {
      if (row.length !== columns.length) {
        throw new ProjectError(seedFile.file, `row has ${row.length} fields, the header has ${columns.length}`, i + 2);
      }
    });
    const explicitTypes = (config.column_types ?? {}) as Record<string, string>;
    const columnTypes: Record<string, string> = {};
    columns.forEach((c, i) => {
      columnTypes[c] = explicitTypes[c] ?? inferSeedType(rows.map((r) => r[i] ?? null));
    });
    const uniqueId = `seed.${projectName}.${name}`;
    seeds[uniqueId] = {
      uniqueId,
      resourceType: 'seed',
      name,
      packageName: projectName,
      origin: { file: seedFile.file },
      relation: { schema: schemaFor(config.schema), identifier: (config.alias as string | undefined) ?? name },
      config: normalizeConfig({ ...config, materialized: 'seed' }, seedFile.file),
      columns,
      columnTypes,
      rows,
      dependsOn: [],
      path: path.dirname(seedFile.relative) === '.' ? '' : path.dirname(seedFile.relative),
    };
  }

  /**
   * Parse-time render of a model or singular test: records its `ref()` and `source()` calls and its
   * `config()`, resolving nothing against a warehouse. Errors become ProjectErrors with file and line.
   */
  const recordCalls = (
    file: { file: string; text: string },
    self: RelationRef | undefined,
    calls: { refs: string[]; sourceIds: string[] },
    config: (values: Record<string, unknown>) => void,
    configValues: () => Record<string, unknown>,
  ): void => {
    const recordRef = (refName: string) => {
      calls.refs.push(refName);
      return new RelationRef(target.schema, refName);
    };
    const recordSource = (sourceName: string, tableName: string) => {
      const id = `source.${projectName}.${sourceName}.${tableName}`;
      const source = sources[id];
      if (!source) {
        const known = Object.values(sources).map((s) => `${s.sourceName}.${s.name}`).sort();
        throw new ProjectError(file.file,
          `source('${sourceName}', '${tableName}') is not defined in any sources: YAML` +
            (known.length ? ` (defined: ${known.join(', ')})` : ' (the project defines no sources)'),
          lineOf(file.text, new RegExp(`source\\(\\s*['"]${escapeRegex(sourceName)}['"]`)));
      }
      calls.sourceIds.push(id);
      return RelationRef.of(source.relation);
    };
    const staticCalls = parseStatically(file.text);
    if (staticCalls) {
      for (const call of staticCalls) {
        if (call.kind === 'ref') recordRef(call.name);
        else if (call.kind === 'source') recordSource(call.sourceName, call.tableName);
        else config(call.values);
      }
      return;
    }
    try {
      renderTemplate(file.text, buildRenderContext({
        target,
        vars,
        self,
        invocationId: 'parse',
        runStartedAt: options.now ?? new Date(),
        hooks: {
          ref: recordRef,
          source: recordSource,
          config,
          configValues,
          isIncremental: () => false,
        },
      }), { file: file.file, macros: prefix });
    } catch (error) {
      if (error instanceof ProjectError) throw error;
      if (error instanceof TemplateRenderError) throw new ProjectError(error.file, error.detail, error.line);
      throw error;
    }
  };

  // Models: parse-time render records ref/source/config.
  const modelNames = new Map<string, string>();
  const models: Record<string, ModelNode> = {};
  const pendingRefs: { model: ModelNode; name: string }[] = [];
  for (const modelFile of files.models) {
    const name = path.basename(modelFile.file, '.sql');
    const uniqueId = `model.${projectName}.${name}`;
    if (modelNames.has(name)) {
      throw new ProjectError(modelFile.file, `two models are named '${name}' (the other is ${models[modelNames.get(name)!]!.origin.file}); model names must be unique`);
    }
    const props = modelProps.get(name);
    const folderConfig = folderConfigFor(files.project.models, projectName, modelFile.relative);
    let inFileConfig: Record<string, unknown> = {};
    const refs: string[] = [];
    const sourceIds: string[] = [];
    // Like dbt, later config levels override earlier ones, except `tags`, which accumulate.
    const configValues = () => {
      const merged: Record<string, unknown> = { ...folderConfig, ...(props?.entry.config ?? {}), ...inFileConfig };
      const tags = [folderConfig.tags, props?.entry.config?.tags, inFileConfig.tags].flatMap(toStringList);
      if (tags.length) merged.tags = [...new Set(tags)];
      // Hooks accumulate too.
      for (const key of ['pre_hook', 'post_hook', 'pre-hook', 'post-hook']) delete merged[key];
      return { ...merged, ...mergeHooks([folderConfig, props?.entry.config ?? {}, inFileConfig]) };
    };
    recordCalls(modelFile, new RelationRef(target.schema, name), { refs, sourceIds }, (values) => {
      inFileConfig = { ...inFileConfig, ...values };
    }, configValues);
    const config = normalizeConfig(configValues(), modelFile.file);
    if (config.enabled === false) continue;
    const model: ModelNode = {
      uniqueId,
      resourceType: 'model',
      name,
      packageName: projectName,
      origin: { file: modelFile.file },
      rawSql: modelFile.text,
      relation: { schema: schemaFor(config.schema), identifier: (config.alias as string | undefined) ?? name },
      config,
      dependsOn: [...new Set(sourceIds)],
      path: path.dirname(modelFile.relative) === '.' ? '' : path.dirname(modelFile.relative),
    };
    models[uniqueId] = model;
    modelNames.set(name, uniqueId);
    for (const r of new Set(refs)) pendingRefs.push({ model, name: r });
  }

  const seedNames = new Map(Object.values(seeds).map((s) => [s.name, s.uniqueId]));
  const resolveRefName = (refName: string, file: string, text: string): string => {
    const id = modelNames.get(refName) ?? seedNames.get(refName);
    if (!id) {
      const known = [...modelNames.keys(), ...seedNames.keys()];
      const close = known.filter((k) => similar(k, refName)).slice(0, 3);
      throw new ProjectError(file,
        `ref('${refName}') does not match any model or seed${close.length ? ` (did you mean ${close.map((c) => `'${c}'`).join(', ')}?)` : ''}`,
        lineOf(text, new RegExp(`ref\\(\\s*['"]${escapeRegex(refName)}['"]`)));
    }
    return id;
  };
  for (const { model, name } of pendingRefs) {
    model.dependsOn.push(resolveRefName(name, model.origin.file, model.rawSql));
  }

  // Tests: generic tests from YAML, singular tests from tests/.
  const tests: Record<string, TestNode> = {};
  // `data_tests:` (or legacy `tests:`) configs of dbt_project.yml at the project level.
  const projectTestConfig = folderConfigFor(files.project.data_tests ?? files.project.tests, projectName, '');
  const addTest = (test: TestNode, config: { store_failures?: unknown; alias?: string }) => {
    let id = test.uniqueId;
    if (tests[id]) id = `${id}.${shortHash(test.rawSql)}`;
    const storeFailures = config.store_failures ?? projectTestConfig.store_failures;
    tests[id] = {
      ...test,
      uniqueId: id,
      ...(storeFailures === true ? { storeFailuresIn: { schema: schemaFor('dbt_test__audit'), identifier: config.alias ?? test.name } } : {}),
    };
  };
  const addGeneric = ({ test, config }: { test: TestNode; config: { store_failures?: unknown; alias?: string } }) => addTest(test, config);
  const relationsByName = (name: string) => modelNames.get(name) ?? seedNames.get(name);
  for (const { file, content } of files.properties) {
    const text = readText(files, file);
    for (const entry of [...(content.models ?? []), ...(content.seeds ?? [])]) {
      const attachedTo = relationsByName(entry.name);
      if (!attachedTo) {
        // dbt warns and ignores properties for a model that does not exist; a typo deserves an error.
        throw new ProjectError(file, `properties are given for '${entry.name}', but no model or seed has that name`,
          lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(entry.name)}['"]?\\s*$`, 'm')));
      }
      const refExpr = `ref('${entry.name}')`;
      for (const t of testEntries(entry)) {
        addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName: entry.name, resolveRefName, customTests }));
      }
      for (const column of entry.columns ?? []) {
        for (const t of testEntries(column)) {
          addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName: entry.name, column, resolveRefName, customTests }));
        }
      }
    }
    for (const source of content.sources ?? []) {
      for (const table of source.tables) {
        const attachedTo = `source.${projectName}.${source.name}.${table.name}`;
        const refExpr = `source('${source.name}', '${table.name}')`;
        const modelName = `${source.name}_${table.name}`;
        for (const t of testEntries(table)) {
          addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName, resolveRefName, customTests }));
        }
        for (const column of table.columns ?? []) {
          for (const t of testEntries(column)) {
            addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName, column, resolveRefName, customTests }));
          }
        }
      }
    }
  }
  for (const testFile of files.singularTests) {
    const name = path.basename(testFile.file, '.sql');
    const refs: string[] = [];
    const sourceIds: string[] = [];
    let inFileConfig: Record<string, unknown> = {};
    recordCalls(testFile, undefined, { refs, sourceIds }, (values) => {
      inFileConfig = { ...inFileConfig, ...values };
    }, () => inFileConfig);
    const parents = [...new Set(refs)].map((r) => resolveRefName(r, testFile.file, testFile.text));
    const dependsOn = [...parents, ...new Set(sourceIds)];
    if (dependsOn.length === 0) throw new ProjectError(testFile.file, 'a singular test must select from at least one ref() or source()');
    addTest({
      uniqueId: `test.${projectName}.${name}`,
      resourceType: 'test',
      name,
      origin: { file: testFile.file },
      kind: 'singular',
      rawSql: testFile.text,
      attachedTo: dependsOn[0]!,
      severity: severityOf(inFileConfig.severity, testFile.file),
      ...thresholdsOf(inFileConfig, testFile.file),
      tags: toStringList(inFileConfig.tags),
      dependsOn,
    }, { store_failures: inFileConfig.store_failures });
  }

  return {
    landfallVersion: 1,
    projectName,
    compiledAt: (options.now ?? new Date()).toISOString(),
    vars,
    macroSource: prefix,
    macroLines,
    models,
    seeds,
    sources,
    tests,
    ...(files.selectors ? { selectors: files.selectors } : {}),
    target,
  };
}

function readText(files: ProjectFiles, file: string): string {
  const all = [...files.models, ...files.seeds, ...files.macros, ...files.singularTests];
  const found = all.find((f) => f.file === file);
  if (found) return found.text;
  try {
    return require('node:fs').readFileSync(path.join(files.root, file), 'utf8');
  } catch {
    return '';
  }
}

function testEntries(holder: { data_tests?: TestEntry[]; tests?: TestEntry[] }): TestEntry[] {
  return [...(holder.data_tests ?? []), ...(holder.tests ?? [])];
}

interface GenericTestInput {
  projectName: string;
  file: string;
  text: string;
  entry: TestEntry;
  refExpr: string;
  attachedTo: string;
  modelName: string;
  column?: ColumnEntry;
  resolveRefName: (name: string, file: string, text: string) => string;
  /** Generic tests the project defines (`{% test name(...) %}` in macros/ or tests/generic/). */
  customTests: ReadonlySet<string>;
}

/** Names of the generic tests defined by `{% test name(...) %}` or `{% macro test_name(...) %}`. */
export function customGenericTests(macroSource: string): Set<string> {
  const names = new Set<string>();
  for (const m of macroSource.matchAll(/\{%-?\s*(?:test\s+|macro\s+test_)([A-Za-z_]\w*)\s*\(/g)) names.add(m[1]!);
  return names;
}

/** A generic test and the configs `addTest` resolves (`store_failures`, and the alias of the stored failures). */
function makeGenericTest(input: GenericTestInput): { test: TestNode; config: { store_failures?: unknown; alias: string } } {
  const { entry, file, text } = input;
  const [testName, rawArgs] = typeof entry === 'string' ? [entry, {}] : (Object.entries(entry)[0] ?? ['', {}]);
  const args = { ...((rawArgs ?? {}) as Record<string, unknown>) };
  // dbt 1.10 nests test arguments under `arguments:`; older projects put them at the top level.
  const nested = (args.arguments ?? {}) as Record<string, unknown>;
  const config = { ...((args.config ?? {}) as Record<string, unknown>) };
  for (const key of ['severity', 'where', 'tags', 'limit', 'error_if', 'warn_if', 'store_failures']) {
    if (args[key] !== undefined && config[key] === undefined) config[key] = args[key];
  }
  const testArgs: Record<string, unknown> = { ...args, ...nested };
  for (const key of ['arguments', 'config', 'severity', 'where', 'tags', 'limit', 'error_if', 'warn_if', 'store_failures', 'name']) delete testArgs[key];
  // The line is looked up only for an error: scanning a large properties file once per test made
  // compiling 10,000 models with 20,000 tests quadratic.
  const lineOfTest = () => lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(input.column?.name ?? input.modelName)}['"]?\\s*$`, 'm'));
  const custom = input.customTests.has(testName);
  if (!GENERIC_TESTS[testName] && !custom) {
    const known = [...Object.keys(GENERIC_TESTS), ...input.customTests].sort();
    throw new ProjectError(file, `unknown generic test '${testName}': no built-in test and no {% test ${testName}(...) %} in macros/ or tests/generic/ (known: ${known.join(', ')})`, lineOfTest());
  }
  const dependsOn = [input.attachedTo];
  if (testName === 'relationships') {
    const to = String(testArgs.to ?? '');
    const refName = /ref\(\s*['"]([^'"]+)['"]\s*\)/.exec(to)?.[1];
    const sourceMatch = /source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/.exec(to);
    if (refName) dependsOn.push(input.resolveRefName(refName, file, text));
    else if (sourceMatch) dependsOn.push(`source.${input.projectName}.${sourceMatch[1]}.${sourceMatch[2]}`);
    else throw new ProjectError(file, `relationships test: 'to' must be ref('model') or source('src', 'table'), got '${to}'`, lineOfTest());
  }
  let rawSql: string;
  try {
    rawSql = custom ? buildCustomTestSql(testName, input.refExpr, input.column?.name, testArgs, typeof config.where === 'string' ? config.where : undefined) : buildGenericTestSql(testName, {
      model: input.refExpr,
      columnName: input.column?.name,
      args: testArgs,
      where: typeof config.where === 'string' ? config.where : undefined,
    });
  } catch (error) {
    throw new ProjectError(file, `${testName} test on '${input.modelName}${input.column ? `.${input.column.name}` : ''}': ${(error as Error).message}`, lineOfTest());
  }
  const isSource = input.attachedTo.startsWith('source.');
  const name = typeof args.name === 'string' ? args.name : dbtTestName(testName, input.modelName, input.column?.name, testArgs, isSource);
  const alias = typeof args.name === 'string' ? name : dbtTestAlias(name, testName, input.modelName, isSource);
  const test: TestNode = {
    uniqueId: `test.${input.projectName}.${name}`,
    resourceType: 'test',
    name,
    origin: { file },
    kind: 'generic',
    testName,
    rawSql,
    attachedTo: input.attachedTo,
    columnName: input.column?.name,
    severity: severityOf(config.severity, file),
    where: typeof config.where === 'string' ? config.where : undefined,
    ...thresholdsOf(config, file),
    tags: toStringList(config.tags),
    dependsOn,
  };
  return { test, config: { store_failures: config.store_failures, alias } };
}

/**
 * A call of the project's `test_<name>` macro with dbt's arguments: `model` (the relation, or with a
 * `where` config the filtered subquery dbt substitutes), `column_name`, and the YAML arguments as
 * Jinja literals.
 */
function buildCustomTestSql(testName: string, refExpr: string, column: string | undefined, args: Record<string, unknown>, where: string | undefined): string {
  const literal = (v: unknown): string => (v === null || v === undefined ? 'none' : JSON.stringify(v));
  const kwargs = [
    'model=__test_model',
    ...(column === undefined ? [] : [`column_name=${literal(column)}`]),
    ...Object.entries(args).map(([k, v]) => `${k}=${literal(v)}`),
  ];
  const model = where ? `(select * from {{ ${refExpr} }} where ${where}) dbt_subquery` : `{{ ${refExpr} }}`;
  return `{% set __test_model %}${model}{% endset %}{{ test_${testName}(${kwargs.join(', ')}) }}`;
}

/** `error_if`/`warn_if` (`">10"`, `"!=0"`…) and `limit`, validated so a typo fails at compile time. */
function thresholdsOf(config: Record<string, unknown>, file: string): { errorIf?: string; warnIf?: string; limit?: number } {
  const out: { errorIf?: string; warnIf?: string; limit?: number } = {};
  for (const [key, field] of [['error_if', 'errorIf'], ['warn_if', 'warnIf']] as const) {
    if (config[key] === undefined) continue;
    const value = String(config[key]).trim();
    if (!/^(==|!=|<>|>=|<=|>|<)\s*-?\d+(\.\d+)?$/.test(value)) throw new ProjectError(file, `${key} must be a comparison with a number such as '>10' or '!=0', got '${value}'`);
    out[field] = value;
  }
  if (config.limit !== undefined && config.limit !== null) {
    const limit = Number(config.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new ProjectError(file, `limit must be a non-negative integer, got '${String(config.limit)}'`);
    out.limit = limit;
  }
  return out;
}

/**
 * dbt's generated test name: `[source_]<test>_<model>_<arg values>`, where the arguments (the column
 * name among them) are sorted by key, list and dict values are flattened, values are printed as Python
 * prints them and non-identifier characters become `_`. dbt keeps this full name as the node name; the
 * short form ({@link dbtTestAlias}) names the relation of stored failures.
 */
export function dbtTestName(testName: string, modelName: string, column: string | undefined, args: Record<string, unknown>, isSource: boolean): string {
  const all: Record<string, unknown> = column === undefined ? { ...args } : { ...args, column_name: column };
  const pythonString = (v: unknown) => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const parts = (v: unknown) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [v]);
  const flat = Object.keys(all).sort().flatMap((k) => parts(all[k])).map((v) => pythonString(v).replace(/[^0-9a-zA-Z_]+/g, '_'));
  const base = `${isSource ? 'source_' : ''}${testName}_${modelName}`;
  return flat.length ? `${base}_${flat.join('__')}` : base;
}

/** The relation name dbt gives a test's stored failures: the full name, or when 64 characters or longer, 30 characters and an md5. */
export function dbtTestAlias(fullName: string, testName: string, modelName: string, isSource: boolean): string {
  if (fullName.length < 64) return fullName;
  return `${isSource ? 'source_' : ''}${testName}_${modelName}`.slice(0, 30) + '_' + createHash('md5').update(fullName).digest('hex');
}

/**
 * A source table's `loaded_at_field` and `freshness`: the table's keys over the source's (dbt merges them);
 * `freshness: null` on the table turns the check off.
 */
function freshnessOf(source: Record<string, unknown>, table: Record<string, unknown>): { loadedAtField?: string; freshness?: FreshnessConfig } {
  const loadedAtField = (table.loaded_at_field ?? source.loaded_at_field) as string | undefined;
  const own = table.freshness as FreshnessConfig | null | undefined;
  const inherited = source.freshness as FreshnessConfig | null | undefined;
  const freshness = own === null ? undefined : own || inherited ? { ...(inherited ?? {}), ...(own ?? {}) } : undefined;
  return {
    ...(loadedAtField ? { loadedAtField } : {}),
    ...(freshness ? { freshness } : {}),
  };
}

function severityOf(value: unknown, file: string): Severity {
  if (value === undefined || value === null) return 'error';
  const s = String(value).toLowerCase();
  if (s === 'error' || s === 'warn') return s;
  throw new ProjectError(file, `severity must be 'error' or 'warn', got '${String(value)}'`);
}

function normalizeConfig(values: Record<string, unknown>, file: string): NodeConfig {
  const materialized = String(values.materialized ?? 'view');
  if (materialized !== 'seed' && !MATERIALIZATIONS.has(materialized)) {
    throw new ProjectError(file, `unknown materialization '${materialized}' (supported: ${[...MATERIALIZATIONS].join(', ')})`);
  }
  const strategy = values.incremental_strategy;
  if (strategy !== undefined && strategy !== 'append' && strategy !== 'delete+insert' && strategy !== 'merge') {
    throw new ProjectError(file, `incremental_strategy '${String(strategy)}' is not supported (use 'append', 'delete+insert' or 'merge')`);
  }
  if (strategy === 'delete+insert' && values.unique_key === undefined) {
    throw new ProjectError(file, "incremental_strategy 'delete+insert' needs a unique_key");
  }
  validatePartitionConfig({ ...values, materialized }, file);
  return {
    ...values,
    materialized: materialized as Materialization,
    tags: toStringList(values.tags),
    enabled: values.enabled !== false,
    incremental_strategy: (strategy as NodeConfig['incremental_strategy']) ??
      (values.unique_key !== undefined ? 'delete+insert' : materialized === 'incremental' ? 'append' : undefined),
  };
}

function toStringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Folder configs from `dbt_project.yml` (`models: {project: {staging: {+materialized: view}}}`):
 * walk the file's folders, later (deeper) levels override earlier ones; `tags` accumulate.
 */
function folderConfigFor(tree: Record<string, unknown> | undefined, projectName: string, relative: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const tags: string[] = [];
  const apply = (level: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(level)) {
      const name = key.startsWith('+') ? key.slice(1) : key;
      if (key.startsWith('+') || (FOLDER_CONFIG_KEYS.has(name) && (typeof value !== 'object' || value === null || Array.isArray(value) || name === 'column_types' || name === 'meta' || name === 'grants'))) {
        if (name === 'tags') tags.push(...toStringList(value));
        else result[name] = value;
      }
    }
  };
  let level = tree?.[projectName] as Record<string, unknown> | undefined;
  if (!level) return result;
  apply(level);
  // Folders, then the file's own name (`seeds: {project: {prices: {+column_types: …}}}`), as dbt matches them.
  const parts = relative.split('/');
  const folders = [...parts.slice(0, -1), parts[parts.length - 1]!.replace(/\.(sql|csv)$/, '')];
  for (const folder of folders) {
    const next = level[folder];
    if (!next || typeof next !== 'object') break;
    level = next as Record<string, unknown>;
    apply(level);
  }
  if (tags.length) result.tags = tags;
  return result;
}

function flattenProjectVars(vars: Record<string, unknown>, projectName: string): Record<string, unknown> {
  // Vars may be global or scoped under the project name.
  const scoped = vars[projectName];
  const { [projectName]: _omit, ...global } = vars;
  return { ...global, ...(scoped && typeof scoped === 'object' ? (scoped as Record<string, unknown>) : {}) };
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function similar(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  // Levenshtein distance ≤ 2.
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length]![b.length]! <= 2;
}
