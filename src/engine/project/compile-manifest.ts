/**
 * Parse time: turn project files into the compiled artifact ({@link Manifest}). Each model is rendered once
 * with recording hooks, so `ref()`/`source()`/`config()` calls build the graph and configs without a
 * warehouse; the model's Jinja source is kept for run-time rendering. Installed packages (`dbt_packages/`)
 * are projects of their own: their macros in their namespace, their sources, seeds, models and tests in the
 * graph with their own configs, overridden by the root project's entries for the package.
 *
 * The work by resource kind: compile-nodes.ts (sources, seeds, models), compile-tests.ts (tests),
 * package-macros.ts (the macro library), parse-session.ts (what they share), config-levels.ts.
 */
import path from 'node:path';
import type { Manifest, ModelNode } from '../manifest';
import type { Target } from '../target';
import { customNaming } from './custom-naming';
import { renderProjectYaml } from './project-yaml-render';
import type { ProjectFiles } from './project-files';
import type { PartialParseCache } from './partial-parse';
import { flattenProjectVars, folderConfigResolver, mergeConfigLevels, projectHooksOf, thresholdsOf } from './config-levels';
import { buildMacroLibrary } from './package-macros';
import { ParseSession, type ProjectScope } from './parse-session';
import { addModels, addSeeds, addSources } from './compile-nodes';
import { addTests } from './compile-tests';
import { addSnapshots } from './compile-snapshots';
import { addUnitTests } from './compile-unit-tests';
import { addDefinitions } from './compile-definitions';
import { addAnalyses } from './compile-analyses';
import { memoiseCompiledSql } from '../render/compiled-sql';
import { keepParseRenders } from '../render/parse-render-reuse';
import { rememberCompile } from './model-edits';
import { useTemplateCodeStore } from '../jinja/environment';
import { ignoredSettingWarnings } from './ignored-settings';
import { testArgumentDeprecations } from './test-argument-deprecations';

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
  return linkProject(prepareCompile(files, options), options);
}

/** What a compile sets up before parsing any node: the rendered project files, the macro library, the session. */
export interface PreparedCompile {
  files: ProjectFiles;
  packages: ProjectFiles[];
  library: ReturnType<typeof buildMacroLibrary>;
  vars: Record<string, unknown>;
  varsOfPackages: Record<string, Record<string, unknown>> | undefined;
  prefix: string;
  macroLines: number;
  session: ParseSession;
  /** The root project's scope first, then each package's. */
  scopes: ProjectScope[];
}

/** Everything before the nodes: dbt_project.yml rendered, vars, the macro library, the parse session and scopes. */
export function prepareCompile(files: ProjectFiles, options: CompileOptions): PreparedCompile {
  const target = options.target;
  // dbt renders the Jinja of dbt_project.yml (configs such as `+enabled: "{{ target.name == 'prod' }}"`) first.
  const render = (project: ProjectFiles['project']) => renderProjectYaml(project, { target, cliVars: options.cliVars ?? {}, now: options.now });
  const packages = (files.packages ?? []).map((pkg) => ({ ...pkg, project: render(pkg.project) }));
  files = { ...files, project: render(files.project), packages };
  const projectName = files.project.name;
  const vars = projectVars(files, options.cliVars ?? {});
  const varsOfPackages = packageVars(files, options.cliVars ?? {});
  const library = buildMacroLibrary(files);
  // With partial parsing, the macro source's compiled code is kept for the next process too (jinja/environment.ts).
  useTemplateCodeStore(options.parseCache?.templateCodeStore());
  const prefix = library.source === '' ? '' : `${library.source}\n`;
  const macroLines = library.source === '' ? 0 : library.source.split('\n').length;

  const session = new ParseSession({
    rootName: projectName,
    target,
    vars,
    packageVars: varsOfPackages,
    now: options.now,
    macroPrefix: prefix,
    // dbt's generate_schema_name / generate_alias_name, the project's overrides when it defines them.
    naming: customNaming({ macroSource: library.source, target, vars, now: options.now }),
    parseCache: options.parseCache,
    contextParts: () => [files.project, ...packages.map((p) => p.project), ...[files, ...packages].flatMap((p) => p.properties.map((f) => f.text ?? f.content))],
  });
  const scopes = [files, ...packages].map((project) => projectScope(project, files));
  return { files, packages, library, vars, varsOfPackages, prefix, macroLines, session, scopes };
}

/** The nodes of every project, linked: sources, seeds, models, refs, tests, definitions; the manifest. */
export function linkProject(prepared: PreparedCompile, options: CompileOptions): Manifest {
  const { files, library, vars, varsOfPackages, prefix, macroLines, session, scopes } = prepared;
  const target = options.target;
  const projectName = files.project.name;

  // Sources first (models resolve source() against them), then seeds and models of every project, so a
  // ref() may name a node of any package; then refs and tests.
  for (const scope of scopes) addSources(session, scope);
  const analyses: Record<string, ModelNode> = {};
  const pendingRefs = scopes.flatMap((scope) => {
    addSeeds(session, scope);
    return [...addModels(session, scope), ...addSnapshots(session, scope), ...addAnalyses(session, scope, analyses)].map((pending) => ({ ...pending, scope }));
  });
  for (const { model, name } of pendingRefs) {
    model.dependsOn.push(session.resolveRefName(name, model.packageName, model.origin.file, model.rawSql));
  }
  for (const scope of scopes) addTests(session, scope, library.genericTests);
  for (const scope of scopes) addUnitTests(session, scope);
  applyTestMacroConfigs(session, scopes);
  // Exposures, semantic models, metrics, saved queries: in the graph, never built (compile-definitions.ts).
  const definitions: Manifest['definitions'] = {};
  for (const scope of scopes) addDefinitions(session, scope, definitions);
  const parseWarnings = [...ignoredSettingWarnings(files, session), ...testArgumentDeprecations(files)];

  const manifest: Manifest = {
    landfallVersion: 1,
    projectName,
    compiledAt: (options.now ?? new Date()).toISOString(),
    vars,
    ...(varsOfPackages ? { packageVars: varsOfPackages } : {}),
    macroSource: prefix,
    macroLines,
    models: session.models,
    seeds: session.seeds,
    sources: session.sources,
    tests: session.tests,
    ...(Object.keys(definitions).length ? { definitions } : {}),
    ...(Object.keys(analyses).length ? { analyses } : {}),
    ...(parseWarnings.length ? { parseWarnings } : {}),
    ...(files.selectors ? { selectors: files.selectors } : {}),
    ...projectHooksOf(files.project),
    target,
  };
  // A model's parse render gives its compiled SQL when it read nothing the compile render sees otherwise.
  keepParseRenders(manifest, session.parseRenders, { target, macroSource: prefix, projectName });
  // The models' compiled SQL (target/, docs) is kept beside the parse results, so a recompile renders only what changed.
  if (options.parseCache) memoiseCompiledSql(manifest, options.parseCache);
  // serve's watcher: a saved model whose calls did not change is recompiled from this (model-edits.ts).
  if (options.parseCache) rememberCompile(options.parseCache, { manifest, session, root: scopes[0]! });
  return manifest;
}

/**
 * Configs a custom generic test's macro sets with `config()` at parse time (dbt_utils' `equal_rowcount` sets its
 * `fail_calc`): below the test's YAML and folder configs, so only where those set nothing.
 */
function applyTestMacroConfigs(session: ParseSession, scopes: ProjectScope[]): void {
  const byPackage = new Map(scopes.map((s) => [s.packageName, s]));
  for (const test of Object.values(session.tests)) {
    if (test.kind !== 'generic' || !test.rawSql.startsWith('{% set __test_model') || !/\bconfig\s*\(/.test(session.inputs.macroPrefix)) continue;
    const scope = byPackage.get(test.uniqueId.split('.')[1]!) ?? scopes[0]!;
    const config = session.testMacroConfig(test, scope);
    if (typeof config.fail_calc === 'string' && config.fail_calc.trim() !== '' && test.failCalc === undefined) test.failCalc = config.fail_calc;
    const thresholds = thresholdsOf(config, test.origin.file);
    if (thresholds.warnIf !== undefined && test.warnIf === undefined) test.warnIf = thresholds.warnIf;
    if (thresholds.errorIf !== undefined && test.errorIf === undefined) test.errorIf = thresholds.errorIf;
  }
}

/**
 * The vars the root project's nodes see, as dbt-core's `ModelConfiguredVar` merges them: the root's global vars,
 * then its entries under its own name, then `--vars`. A package's vars are not among them (dbt shows them only to
 * the package's own nodes: {@link packageVars}).
 */
function projectVars(files: ProjectFiles, cliVars: Record<string, unknown>): Record<string, unknown> {
  const packageNames = new Set((files.packages ?? []).map((p) => p.project.name));
  const rootGlobal = Object.fromEntries(Object.entries(flattenProjectVars(files.project.vars ?? {}, files.project.name)).filter(([key]) => !packageNames.has(key)));
  return { ...rootGlobal, ...cliVars };
}

/**
 * The vars each package's nodes see, by package, as dbt-core merges them for a node of package `p` (lowest first):
 * `p`'s own global vars, its entries under `p`, the root project's global vars, the root's entries under `p`, then
 * `--vars`. Absent when no package is installed.
 *
 * @example
 * // root: vars: {a: 1, pkg: {a: 2}}; pkg: vars: {a: 0, b: 0}  →  { pkg: { a: 2, b: 0 } }
 */
function packageVars(files: ProjectFiles, cliVars: Record<string, unknown>): Record<string, Record<string, unknown>> | undefined {
  if (!files.packages?.length) return undefined;
  const rootVars = files.project.vars ?? {};
  const packageNames = new Set(files.packages.map((p) => p.project.name));
  const rootGlobal = Object.fromEntries(Object.entries(rootVars).filter(([key]) => !packageNames.has(key) && key !== files.project.name));
  const scopedIn = (vars: Record<string, unknown>, name: string) => (vars[name] && typeof vars[name] === 'object' && !Array.isArray(vars[name]) ? vars[name] as Record<string, unknown> : {});
  return Object.fromEntries(files.packages.map((p) => [p.project.name, {
    ...flattenProjectVars(p.project.vars ?? {}, p.project.name), ...rootGlobal, ...scopedIn(rootVars, p.project.name), ...cliVars,
  }]));
}

/** One project's scope: its files, and its folder configs (a package's own, then the root's entry for it). */
function projectScope(project: ProjectFiles, root: ProjectFiles): ProjectScope {
  const packageName = project.project.name;
  const isRoot = project === root;
  const treeOf = (p: ProjectFiles['project'], kind: 'models' | 'seeds' | 'tests') => (kind === 'tests' ? p.data_tests ?? p.tests : p[kind]);
  const resolvers = new Map<string, (relative: string) => Record<string, unknown>>();
  for (const kind of ['models', 'seeds', 'tests'] as const) {
    const own = folderConfigResolver(treeOf(project.project, kind), packageName);
    const fromRoot = isRoot ? undefined : folderConfigResolver(treeOf(root.project, kind), packageName);
    resolvers.set(kind, fromRoot ? (relative) => mergeConfigLevels([own(relative), fromRoot(relative)]) : own);
  }
  return {
    files: project,
    packageName,
    textOf: fileTexts(project),
    folderConfig: (kind, relative) => resolvers.get(kind)!(relative),
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

export { dbtTestName, dbtTestAlias } from './generic-test-nodes';
