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
import { buildRenderContext, parseTimeContext } from '../render/render-context';
import { RelationRef, mergeQuoting } from '../render/relation';
import { inferSeedType, parseCsv, seedCellValue } from './csv';
import { parseStatically } from './static-parser';
import { customNaming, namingNode } from './custom-naming';
import { renderProjectYaml } from './project-yaml-render';
import type { ColumnEntry, ProjectFiles, SqlFile, TestEntry } from './project-files';
import { contentHash, type PartialParseCache, type SqlFileCalls, type SqlFileParse } from './partial-parse';
import { buildGenericTestSql, GENERIC_TESTS } from '../tests/generic-tests';
import { validatePartitionConfig } from '../materializations/partitioned/config';
import { mergeHooks } from '../materializations/hooks';
import { GrantsConfigError, mergeGrants, normalizeGrants } from '../materializations/grants';
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
  /** Reuse the parse results of unchanged models and singular tests (see partial-parse.ts). */
  parseCache?: PartialParseCache;
}

/**
 * Compile the project files into a manifest.
 *
 * @example
 * const manifest = compileManifest(readProjectFiles('dbt'), { target: { name: 'local', type: 'postgres', schema: 'analytics', database: 'dev' } });
 */
export function compileManifest(files: ProjectFiles, options: CompileOptions): Manifest {
  // dbt renders the Jinja of dbt_project.yml (configs such as `+enabled: "{{ target.name == 'prod' }}"`) first.
  files = { ...files, project: renderProjectYaml(files.project, { target: options.target, cliVars: options.cliVars ?? {}, now: options.now }) };
  const projectName = files.project.name;
  const vars = { ...flattenProjectVars(files.project.vars ?? {}, projectName), ...(options.cliVars ?? {}) };
  const macroSource = files.macros.map((m) => m.text).join('\n');
  const macroLines = macroSource === '' ? 0 : macroSource.split('\n').length;
  const customTests = customGenericTests(macroSource);
  const prefix = macroSource === '' ? '' : `${macroSource}\n`;
  const target = options.target;
  const textOf = fileTexts(files);
  const folderConfigOf = folderConfigResolver(files.project.models, projectName);

  // dbt's generate_schema_name / generate_alias_name, the project's overrides when it defines them.
  const naming = customNaming({ macroSource, target, vars, now: options.now });
  const schemaFor = (custom: unknown, node: Parameters<typeof naming.schema>[1]) => naming.schema(custom, node);

  // dbt's `quoting` (project level for models and seeds; source and table level for sources), kept only when set.
  const quotingOf = (...levels: unknown[]) => {
    const quoting = mergeQuoting(...levels);
    return quoting ? { quoting } : {};
  };
  const projectQuoting = quotingOf(files.project.quoting);

  // dbt renders Jinja in property values such as a source's `schema: "{{ var('raw_schema') }}"`.
  const renderProperty = (value: string, file: string): string => {
    if (!value.includes('{{') && !value.includes('{%')) return value;
    try {
      return renderTemplate(value, parseTimeContext({ target, vars, now: options.now, where: 'a property value' }), { file }).trim();
    } catch (error) {
      if (error instanceof TemplateRenderError) throw new ProjectError(file, `in '${value}': ${error.detail}`, lineOf(textOf(file), new RegExp(escapeRegex(value.slice(0, 20)))));
      throw error;
    }
  };

  // dbt renders a generic test's Jinja arguments natively at parse time: `"{{ var('statuses') }}"` is the list.
  const renderArgument = (value: string, file: string): unknown => {
    const expression = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(value)?.[1];
    if (expression === undefined || expression.includes('{{')) return renderProperty(value, file);
    return JSON.parse(renderProperty(`{{ (${expression}) | tojson }}`, file)) as unknown;
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
          origin: { file, line: lineOf(textOf(file), new RegExp(`name:\\s*['"]?${escapeRegex(table.name)}['"]?\\s*$`, 'm')) },
          relation: {
            schema: renderProperty(source.schema ?? source.name, file),
            identifier: renderProperty(table.identifier ?? table.name, file),
            ...otherDatabase(typeof source.database === 'string' ? renderProperty(source.database, file) : undefined, target),
            ...quotingOf(source.quoting, table.quoting),
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
  /** Seeds and models turned off with `enabled: false`: their YAML properties and tests are ignored, as dbt does. */
  const disabledNames = new Set<string>();
  const seedProps = new Map<string, Record<string, unknown>>();
  for (const { content } of files.properties) for (const s of content.seeds ?? []) seedProps.set(s.name, s.config ?? {});
  for (const seedFile of files.seeds) {
    const name = path.basename(seedFile.file, '.csv');
    const folderConfig = folderConfigFor(files.project.seeds, projectName, seedFile.relative);
    const config = mergeConfigLevels([folderConfig, seedProps.get(name) ?? {}]);
    if (config.enabled === false) {
      disabledNames.add(name);
      continue;
    }
    // dbt merges dict configs such as column_types across levels.
    config.column_types = { ...(folderConfig.column_types as object | undefined), ...(seedProps.get(name)?.column_types as object | undefined) };
    const parsed = parseCsv(seedFile.text, typeof config.delimiter === 'string' && config.delimiter.length === 1 ? config.delimiter : ',');
    const header = parsed[0];
    if (!header || header.length === 0) throw new ProjectError(seedFile.file, 'the CSV has no header row');
    const columns = header.map((h, i) => {
      if (!h) throw new ProjectError(seedFile.file, `column ${i + 1} of the header is empty`, 1);
      return h.trim();
    });
    const rows = parsed.slice(1).map((row) => row.map(seedCellValue));
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
      relation: (() => {
        const node = namingNode('seed', projectName, name, seedFile.file, seedFile.relative, config);
        return { schema: schemaFor(config.schema, node), identifier: naming.alias(config.alias, node), ...projectQuoting };
      })(),
      config: normalizeConfig({ ...config, materialized: 'seed' }, seedFile.file),
      columns,
      columnTypes,
      rows,
      dependsOn: [],
      path: path.dirname(seedFile.relative) === '.' ? '' : path.dirname(seedFile.relative),
    };
  }

  /** The id of a source table, or a ProjectError naming the file, for a `source()` call. */
  const resolveSource = (file: SqlFile, sourceName: string, tableName: string): string => {
    const id = `source.${projectName}.${sourceName}.${tableName}`;
    if (!sources[id]) {
      const known = Object.values(sources).map((s) => `${s.sourceName}.${s.name}`).sort();
      throw new ProjectError(file.file,
        `source('${sourceName}', '${tableName}') is not defined in any sources: YAML` +
          (known.length ? ` (defined: ${known.join(', ')})` : ' (the project defines no sources)'),
        lineOf(file.text, new RegExp(`source\\(\\s*['"]${escapeRegex(sourceName)}['"]`)));
    }
    return id;
  };

  /**
   * Parse time for a model or singular test: its `ref()`, `source()` and `config()` calls, read by the static
   * parser when the file allows it, else recorded by rendering the file; nothing is resolved against a
   * warehouse. `configOf` merges the file's own config() values with the levels below them, for `config.get()`;
   * `selfName` names the relation `this` stands for (a model's). Errors become ProjectErrors with file and line.
   */
  const parseSqlFile = (file: SqlFile, selfName: string | undefined, configOf: (own: Record<string, unknown>) => Record<string, unknown>): SqlFileParse => {
    const calls: SqlFileCalls = { refs: [], sources: [], config: {} };
    const staticCalls = parseStatically(file.text);
    if (staticCalls) {
      for (const call of staticCalls) {
        if (call.kind === 'ref') calls.refs.push(call.name);
        else if (call.kind === 'source') calls.sources.push({ sourceName: call.sourceName, tableName: call.tableName });
        else calls.config = { ...calls.config, ...call.values };
      }
      return { calls, rendered: false };
    }
    try {
      renderTemplate(file.text, buildRenderContext({
        target,
        vars,
        self: selfName === undefined ? undefined : new RelationRef(target.schema, selfName),
        invocationId: 'parse',
        projectName: projectName,
        runStartedAt: options.now ?? new Date(),
        hooks: {
          ref: (refName: string) => {
            calls.refs.push(refName);
            return new RelationRef(target.schema, refName);
          },
          source: (sourceName: string, tableName: string) => {
            const id = resolveSource(file, sourceName, tableName);
            calls.sources.push({ sourceName, tableName });
            return RelationRef.of(sources[id]!.relation);
          },
          config: (values: Record<string, unknown>) => {
            calls.config = { ...calls.config, ...values };
          },
          configValues: () => configOf(calls.config),
          isIncremental: () => false,
        },
      }), { file: file.file, macros: prefix });
    } catch (error) {
      if (error instanceof ProjectError) throw error;
      if (error instanceof TemplateRenderError) throw new ProjectError(error.file, error.detail, error.line);
      throw error;
    }
    return { calls, rendered: true };
  };

  // A rendered file's calls depend on everything the render sees: the partial-parse cache keys them by this hash
  // (all but `run_started_at`: as with dbt's partial parsing, a reused render keeps the time it was parsed at).
  // `env_var()` may be called by the file or by any macro, so the environment is part of it.
  let renderContextHash: string | undefined;
  const renderContext = () => renderContextHash ??= contentHash(JSON.stringify({
    project: files.project, vars, macros: prefix, target, properties: files.properties.map((p) => p.text ?? p.content),
    env: Object.entries(process.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  }));
  const sqlCallsOf = (file: SqlFile, selfName: string | undefined, configOf: (own: Record<string, unknown>) => Record<string, unknown>): SqlFileCalls =>
    options.parseCache
      ? options.parseCache.sqlCalls(file.file, file.text, renderContext, () => parseSqlFile(file, selfName, configOf))
      : parseSqlFile(file, selfName, configOf).calls;

  // Models: their parse-time calls give the graph and the in-file config.
  const modelNames = new Map<string, string>();
  const models: Record<string, ModelNode> = {};
  const pendingRefs: { model: ModelNode; name: string }[] = [];
  for (const modelFile of files.models) {
    const name = path.basename(modelFile.file, '.sql');
    const uniqueId = `model.${projectName}.${name}`;
    if (modelNames.has(name)) {
      throw new ProjectError(modelFile.file, `two models are named '${name}' (the other is ${models[modelNames.get(name)!]!.origin.file}); model names must be unique`);
    }
    const levels = [folderConfigOf(modelFile.relative), modelProps.get(name)?.entry.config ?? {}];
    const calls = sqlCallsOf(modelFile, name, (own) => mergeConfigLevels([...levels, own]));
    const sourceIds = calls.sources.map((s) => resolveSource(modelFile, s.sourceName, s.tableName));
    const config = normalizeConfig(mergeConfigLevels([...levels, calls.config]), modelFile.file);
    if (config.enabled === false) {
      disabledNames.add(name);
      continue;
    }
    const model: ModelNode = {
      uniqueId,
      resourceType: 'model',
      name,
      packageName: projectName,
      origin: { file: modelFile.file },
      rawSql: modelFile.text,
      relation: (() => {
        const node = namingNode('model', projectName, name, modelFile.file, modelFile.relative, config);
        return { schema: schemaFor(config.schema, node), identifier: naming.alias(config.alias, node), ...projectQuoting };
      })(),
      config,
      dependsOn: [...new Set(sourceIds)],
      path: path.dirname(modelFile.relative) === '.' ? '' : path.dirname(modelFile.relative),
    };
    models[uniqueId] = model;
    modelNames.set(name, uniqueId);
    for (const r of new Set(calls.refs)) pendingRefs.push({ model, name: r });
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
  // A test's configs: dbt_project.yml's `data_tests:` (or legacy `tests:`) levels along the test's path (the
  // folder of its YAML file or SQL file, then its name), under the test's own config.
  const testFolderConfigOf = folderConfigResolver(files.project.data_tests ?? files.project.tests, projectName);
  const addTest = (test: TestNode, own: Record<string, unknown>, folder: string) => {
    const config = mergeConfigLevels([testFolderConfigOf(folder ? `${folder}/${test.name}` : test.name), own]);
    if (config.enabled === false) return;
    if (tests[test.uniqueId]) test.uniqueId = `${test.uniqueId}.${shortHash(test.rawSql)}`;
    test.severity = severityOf(config.severity, test.origin.file);
    Object.assign(test, thresholdsOf(config, test.origin.file));
    test.tags = toStringList(config.tags);
    if (typeof config.fail_calc === 'string' && config.fail_calc.trim() !== '') test.failCalc = config.fail_calc;
    // dbt: `store_failures_as` (table, view or ephemeral) overrides `store_failures`.
    const storeAs = config.store_failures_as === undefined || config.store_failures_as === null ? undefined : String(config.store_failures_as);
    if (storeAs === 'table' || storeAs === 'view' || (storeAs === undefined && config.store_failures === true)) {
      const schema = typeof config.schema === 'string' ? config.schema : 'dbt_test__audit';
      test.storeFailuresIn = { schema: schemaFor(schema, namingNode('test', projectName, test.name, test.origin.file, folder ? `${folder}/${test.name}` : test.name, config)), identifier: typeof config.alias === 'string' ? config.alias : test.name };
      if (storeAs === 'view') test.storeFailuresAs = 'view';
    }
    tests[test.uniqueId] = test;
  };
  const resourceRoots = [...(files.project['model-paths'] ?? ['models']), ...(files.project['seed-paths'] ?? ['seeds']), ...(files.project['macro-paths'] ?? ['macros'])];
  /** The folder of a properties file under its resource root (`models/staging/_staging.yml` → `staging`). */
  const folderUnderRoot = (file: string) => {
    const root = resourceRoots.find((r) => file.startsWith(`${r.replace(/\/+$/, '')}/`));
    const relative = root ? file.slice(root.replace(/\/+$/, '').length + 1) : file;
    return path.posix.dirname(relative) === '.' ? '' : path.posix.dirname(relative);
  };
  let propertiesFolder = '';
  const addGeneric = ({ test, config }: { test: TestNode; config: Record<string, unknown> }) => addTest(test, config, propertiesFolder);
  const relationsByName = (name: string) => modelNames.get(name) ?? seedNames.get(name);
  for (const { file, content } of files.properties) {
    const text = textOf(file);
    propertiesFolder = folderUnderRoot(file);
    for (const entry of [...(content.models ?? []), ...(content.seeds ?? [])]) {
      const attachedTo = relationsByName(entry.name);
      if (!attachedTo && disabledNames.has(entry.name)) continue;
      if (!attachedTo) {
        // dbt warns and ignores properties for a model that does not exist; a typo deserves an error.
        throw new ProjectError(file, `properties are given for '${entry.name}', but no model or seed has that name`,
          lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(entry.name)}['"]?\\s*$`, 'm')));
      }
      const refExpr = `ref('${entry.name}')`;
      for (const t of testEntries(entry)) {
        addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName: entry.name, resolveRefName, customTests, renderArgument }));
      }
      for (const column of entry.columns ?? []) {
        for (const t of testEntries(column)) {
          addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName: entry.name, column, resolveRefName, customTests, renderArgument }));
        }
      }
    }
    for (const source of content.sources ?? []) {
      for (const table of source.tables) {
        const attachedTo = `source.${projectName}.${source.name}.${table.name}`;
        const refExpr = `source('${source.name}', '${table.name}')`;
        const modelName = `${source.name}_${table.name}`;
        for (const t of testEntries(table)) {
          addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName, resolveRefName, customTests, renderArgument }));
        }
        for (const column of table.columns ?? []) {
          for (const t of testEntries(column)) {
            addGeneric(makeGenericTest({ projectName, file, text, entry: t, refExpr, attachedTo, modelName, column, resolveRefName, customTests, renderArgument }));
          }
        }
      }
    }
  }
  for (const testFile of files.singularTests) {
    const name = path.basename(testFile.file, '.sql');
    const { refs, sources: sourceCalls, config: inFileConfig } = sqlCallsOf(testFile, undefined, (own) => own);
    const sourceIds = sourceCalls.map((s) => resolveSource(testFile, s.sourceName, s.tableName));
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
    }, inFileConfig, path.posix.dirname(testFile.relative) === '.' ? '' : path.posix.dirname(testFile.relative));
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
    ...projectHooksOf(files.project),
    target,
  };
}

/** The text of a project file by its path (for error lines): as read, else from disk, else ''. */
function fileTexts(files: ProjectFiles): (file: string) => string {
  let byFile: Map<string, string> | undefined;
  return (file) => {
    byFile ??= new Map([...files.models, ...files.seeds, ...files.macros, ...files.singularTests, ...files.properties]
      .flatMap((f) => (f.text === undefined ? [] : [[f.file, f.text] as const])));
    const found = byFile.get(file);
    if (found !== undefined) return found;
    try {
      return require('node:fs').readFileSync(path.join(files.root, file), 'utf8');
    } catch {
      return '';
    }
  };
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
  /** A test argument holding Jinja (`values: "{{ var('statuses') }}"`), rendered to its value as dbt does. */
  renderArgument?: (value: string, file: string) => unknown;
}

/** Names of the generic tests defined by `{% test name(...) %}` or `{% macro test_name(...) %}`. */
export function customGenericTests(macroSource: string): Set<string> {
  const names = new Set<string>();
  for (const m of macroSource.matchAll(/\{%-?\s*(?:test\s+|macro\s+test_)([A-Za-z_]\w*)\s*\(/g)) names.add(m[1]!);
  return names;
}

/** Keys of a generic test entry that configure the test rather than being arguments of it. */
const TEST_CONFIG_KEYS = ['severity', 'where', 'tags', 'limit', 'error_if', 'warn_if', 'store_failures', 'store_failures_as', 'fail_calc', 'enabled', 'meta', 'database', 'schema', 'alias'];
const NOT_TEST_ARGUMENTS = new Set(['arguments', 'config', 'name', ...TEST_CONFIG_KEYS]);

/** A generic test and the configs `addTest` resolves (`store_failures`, and the alias of the stored failures). */
function makeGenericTest(input: GenericTestInput): { test: TestNode; config: Record<string, unknown> } {
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
  const custom = input.customTests.has(testName);
  if (!GENERIC_TESTS[testName] && !custom) {
    const known = [...Object.keys(GENERIC_TESTS), ...input.customTests].sort();
    throw new ProjectError(file, `unknown generic test '${testName}': no built-in test and no {% test ${testName}(...) %} in macros/ or tests/generic/ (known: ${known.join(', ')})`, lineOfName(text, nameInFile));
  }
  const dependsOn = [input.attachedTo];
  if (testName === 'relationships') {
    const to = String(testArgs.to ?? '');
    const refName = /ref\(\s*['"]([^'"]+)['"]\s*\)/.exec(to)?.[1];
    const sourceMatch = /source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/.exec(to);
    if (refName) dependsOn.push(input.resolveRefName(refName, file, text));
    else if (sourceMatch) dependsOn.push(`source.${input.projectName}.${sourceMatch[1]}.${sourceMatch[2]}`);
    else throw new ProjectError(file, `relationships test: 'to' must be ref('model') or source('src', 'table'), got '${to}'`, lineOfName(text, nameInFile));
  }
  // The name keeps the arguments as written; the SQL gets their rendered values.
  const sqlArgs = Object.fromEntries(Object.entries(testArgs).map(([key, value]) =>
    [key, typeof value === 'string' && /\{[{%]/.test(value) && key !== 'to' && input.renderArgument ? input.renderArgument(value, file) : value]));
  let rawSql: string;
  try {
    rawSql = custom ? buildCustomTestSql(testName, input.refExpr, columnName, sqlArgs, typeof config.where === 'string' ? config.where : undefined) : buildGenericTestSql(testName, {
      model: input.refExpr,
      columnName,
      args: sqlArgs,
      where: typeof config.where === 'string' ? config.where : undefined,
    });
  } catch (error) {
    throw new ProjectError(file, `${testName} test on '${input.modelName}${columnName ? `.${columnName}` : ''}': ${(error as Error).message}`, lineOfName(text, nameInFile));
  }
  const isSource = input.attachedTo.startsWith('source.');
  const name = typeof args.name === 'string' ? args.name : dbtTestName(testName, input.modelName, columnName, testArgs, isSource);
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
    columnName,
    severity: severityOf(config.severity, file),
    where: typeof config.where === 'string' ? config.where : undefined,
    ...thresholdsOf(config, file),
    tags: toStringList(config.tags),
    dependsOn,
  };
  return { test, config: { ...config, alias: typeof config.alias === 'string' ? config.alias : alias } };
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
  const flat = Object.keys(all).sort().flatMap((k) => flattenedValues(all[k])).map((v) => pythonString(v).replace(/[^0-9a-zA-Z_]+/g, '_'));
  // dbt always joins with `_`, so a test without arguments or column ends in `_`.
  return `${isSource ? 'source_' : ''}${testName}_${modelName}_${flat.join('__')}`;
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
  // Object.assign, not `{ ...values, enabled: … }`: Node 20's V8 builds an object literal that adds keys after
  // a spread about 20× slower, which showed in compiling 10,000 models.
  validatePartitionConfig(Object.assign({}, values, { materialized }), file);
  return Object.assign({}, values, {
    ...(values.grants !== undefined ? { grants: grantsOf(values.grants, file) } : {}),
    materialized: materialized as Materialization,
    tags: toStringList(values.tags),
    enabled: values.enabled !== false,
    // Left unset when the project does not set it, as dbt does (`config.get`, `config.incremental_strategy:` selection);
    // the incremental plan applies the adapter's default.
    incremental_strategy: strategy as NodeConfig['incremental_strategy'],
  });
}

const HOOK_KEYS = ['pre_hook', 'post_hook', 'pre-hook', 'post-hook'];

/**
 * Config levels merged as dbt merges them (folder < YAML properties < `config()`): later levels override
 * earlier ones, except `tags` and hooks, which accumulate.
 */
function mergeConfigLevels(levels: Record<string, unknown>[]): Record<string, unknown> {
  const merged: Record<string, unknown> = Object.assign({}, ...levels);
  const tags = levels.flatMap((level) => toStringList(level.tags));
  if (tags.length) merged.tags = [...new Set(tags)];
  if (levels.some((level) => HOOK_KEYS.some((key) => key in level))) {
    for (const key of HOOK_KEYS) delete merged[key];
    Object.assign(merged, mergeHooks(levels));
  }
  // Grants merge by privilege: a level's privilege replaces the earlier grantees, `+privilege` adds to them.
  if (levels.some((level) => level.grants !== undefined)) merged.grants = mergeGrants(levels.map((level) => level.grants));
  return merged;
}

/** dbt_project.yml's `on-run-start`/`on-run-end` hooks (a string or a list each), when it has any. */
function projectHooksOf(project: Record<string, unknown>): Pick<Manifest, 'projectHooks'> {
  const hooks = (key: 'on-run-start' | 'on-run-end'): string[] => {
    const value = project[key] ?? project[key.replace(/-/g, '_')];
    const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
    return list.map((hook) => {
      if (typeof hook !== 'string') throw new ProjectError('dbt_project.yml', `${key}: each hook must be a SQL string, got ${JSON.stringify(hook)}`);
      return hook;
    }).filter((hook) => hook.trim() !== '');
  };
  const start = hooks('on-run-start');
  const end = hooks('on-run-end');
  return start.length || end.length ? { projectHooks: { 'on-run-start': start, 'on-run-end': end } } : {};
}

/** A merged `grants` config, validated and normalized (see materializations/grants.ts). */
function grantsOf(value: unknown, file: string): Record<string, string[]> {
  try {
    return normalizeGrants(mergeGrants([value]));
  } catch (error) {
    if (error instanceof GrantsConfigError) throw new ProjectError(file, error.message);
    throw error;
  }
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
  const parts = relative.split('/');
  // Folders, then the file's own name (`seeds: {project: {prices: {+column_types: …}}}`), as dbt matches them.
  return folderConfigAlong(tree, projectName, [...parts.slice(0, -1), parts[parts.length - 1]!.replace(/\.(sql|csv)$/, '')]).config;
}

/**
 * {@link folderConfigFor} for the many files of a project: files in one folder share its walk, unless a
 * level is named after the file itself.
 */
function folderConfigResolver(tree: Record<string, unknown> | undefined, projectName: string): (relative: string) => Record<string, unknown> {
  const byFolder = new Map<string, ReturnType<typeof folderConfigAlong>>();
  return (relative) => {
    const slash = relative.lastIndexOf('/');
    const folder = slash < 0 ? '' : relative.slice(0, slash);
    let along = byFolder.get(folder);
    if (!along) {
      along = folderConfigAlong(tree, projectName, folder === '' ? [] : folder.split('/'));
      byFolder.set(folder, along);
    }
    const fileLevel = along.deepest?.[relative.slice(slash + 1).replace(/\.(sql|csv)$/, '')];
    if (fileLevel && typeof fileLevel === 'object') return folderConfigFor(tree, projectName, relative);
    return { ...along.config };
  };
}

/** The config of the levels along `segments`, and the deepest level when every segment had one. */
function folderConfigAlong(tree: Record<string, unknown> | undefined, projectName: string, segments: string[]): { config: Record<string, unknown>; deepest?: Record<string, unknown> } {
  const result: Record<string, unknown> = {};
  const tags: string[] = [];
  const apply = (level: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(level)) {
      const name = key.startsWith('+') ? key.slice(1) : key;
      if (key.startsWith('+') || (FOLDER_CONFIG_KEYS.has(name) && (typeof value !== 'object' || value === null || Array.isArray(value) || name === 'column_types' || name === 'meta' || name === 'grants'))) {
        if (name === 'tags') tags.push(...toStringList(value));
        else if (name === 'grants') result.grants = mergeGrants([result.grants, value]);
        // Hooks of every folder level run, outermost first.
        else if (HOOK_KEYS.includes(name) && result[name] !== undefined) result[name] = [result[name], value].flat();
        else result[name] = value;
      }
    }
  };
  let level = tree?.[projectName] as Record<string, unknown> | undefined;
  if (!level) return { config: result };
  apply(level);
  let complete = true;
  for (const segment of segments) {
    const next = level[segment];
    if (!next || typeof next !== 'object') {
      complete = false;
      break;
    }
    level = next as Record<string, unknown>;
    apply(level);
  }
  if (tags.length) result.tags = tags;
  return { config: result, ...(complete ? { deepest: level } : {}) };
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

/**
 * A source's `database`, kept only when it is not the target's: relations in the target's database print as
 * `schema.identifier` (which also runs on a local engine whose database has another name), relations in
 * another database as `database.schema.identifier` (a Redshift cross-database query).
 */
function otherDatabase(database: string | undefined, target: Target): { database?: string } {
  return database && database !== target.database ? { database } : {};
}
