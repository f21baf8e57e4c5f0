/**
 * Parse time for one project's tests: generic tests from its YAML properties (on models, seeds and sources)
 * and singular tests from its test paths, with dbt_project.yml's `data_tests:` (or legacy `tests:`) folder
 * configs along the test's path (the folder of its YAML or SQL file, then its name) under its own config.
 */
import path from 'node:path';
import { ProjectError, lineOf } from '../errors';
import type { TestNode } from '../manifest';
import { namingNode } from './custom-naming';
import { escapeRegex, mergeConfigLevels, severityOf, shortHash, thresholdsOf, toStringList } from './config-levels';
import { makeGenericTest, testEntries, type GenericTestInput } from './generic-test-nodes';
import type { ParseSession, ProjectScope } from './parse-session';
import { modelVersionsOf, versionedRefKey } from './model-versions';

export function addTests(session: ParseSession, scope: ProjectScope, customTests: GenericTestInput['customTests']): void {
  const { packageName, files } = scope;
  const { tests } = session;
  const addTest = (test: TestNode, own: Record<string, unknown>, folder: string) => {
    const config = mergeConfigLevels([scope.folderConfig('tests', folder ? `${folder}/${test.name}` : test.name), own]);
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
      test.storeFailuresIn = { schema: session.schemaFor(schema, namingNode('test', packageName, test.name, test.origin.file, folder ? `${folder}/${test.name}` : test.name, config)), identifier: typeof config.alias === 'string' ? config.alias : test.name };
      if (storeAs === 'view') test.storeFailuresAs = 'view';
    }
    tests[test.uniqueId] = test;
  };
  const resourceRoots = [...(files.project['model-paths'] ?? ['models']), ...(files.project['seed-paths'] ?? ['seeds']), ...(files.project['macro-paths'] ?? ['macros']), ...((files.project['snapshot-paths'] as string[] | undefined) ?? ['snapshots'])];
  /** The folder of a properties file under its resource root (`models/staging/_staging.yml` → `staging`). */
  const folderUnderRoot = (file: string) => {
    const root = resourceRoots.find((r) => file.startsWith(`${r.replace(/\/+$/, '')}/`));
    const relative = root ? file.slice(root.replace(/\/+$/, '').length + 1) : file;
    return path.posix.dirname(relative) === '.' ? '' : path.posix.dirname(relative);
  };
  const common = {
    projectName: packageName,
    rootName: session.inputs.rootName,
    customTests,
    resolveRefName: (name: string, file: string, text: string) => session.resolveRefName(name, packageName, file, text),
    resolveSource: (sourceName: string, tableName: string, file: string, text: string) => session.resolveSource(sourceName, tableName, packageName, file, text),
  };
  for (const { file, content } of files.properties) {
    const text = scope.textOf(file);
    const folder = folderUnderRoot(file);
    const renderArgument = (value: string, argFile: string) => session.renderArgument(value, argFile, text);
    const add = (input: Omit<GenericTestInput, keyof typeof common | 'file' | 'text' | 'renderArgument'>) =>
      {
        const { test, config } = makeGenericTest({ ...common, ...input, file, text, renderArgument });
        addTest(test, config, folder);
      };
    // Snapshots' properties take tests as models' do (entries with `relation:` define YAML snapshots too).
    const snapshotEntries = ((content as { snapshots?: unknown }).snapshots ?? []) as NonNullable<typeof content.models>;
    for (const entry of [...(content.models ?? []), ...(content.seeds ?? []), ...snapshotEntries]) {
      // A versioned model's tests apply to each version, with its own columns (model-versions.ts), as in dbt.
      const versions = [...modelVersionsOf(entry, file, text).values()];
      if (versions.length) {
        for (const version of versions) {
          const versionId = session.relationInPackage(versionedRefKey(entry.name, version.version), packageName);
          if (!versionId) continue;
          const versionRef = `ref('${entry.name}', v='${version.version}')`;
          const modelName = `${entry.name}_v${version.version}`;
          for (const t of testEntries(version.entry)) add({ entry: t, refExpr: versionRef, attachedTo: versionId, modelName });
          for (const column of version.entry.columns ?? []) {
            for (const t of testEntries(column)) add({ entry: t, refExpr: versionRef, attachedTo: versionId, modelName, column });
          }
        }
        continue;
      }
      const attachedTo = session.relationInPackage(entry.name, packageName);
      if (!attachedTo && session.disabledNames.has(entry.name)) continue;
      if (!attachedTo) {
        // As dbt: a warning, and the properties are ignored (dbt-core 1.10 prints the same words).
        const line = lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(entry.name)}['"]?\\s*$`, 'm'));
        process.stderr.write(`[WARNING]: Did not find matching node for patch with name '${entry.name}' in the 'models' section of file '${file}'${line ? ` (line ${line})` : ''}\n`);
        continue;
      }
      const refExpr = `ref('${entry.name}')`;
      for (const t of testEntries(entry)) add({ entry: t, refExpr, attachedTo, modelName: entry.name });
      for (const column of entry.columns ?? []) {
        for (const t of testEntries(column)) add({ entry: t, refExpr, attachedTo, modelName: entry.name, column });
      }
    }
    for (const source of content.sources ?? []) {
      for (const table of source.tables) {
        const attachedTo = `source.${packageName}.${source.name}.${table.name}`;
        const refExpr = `source('${source.name}', '${table.name}')`;
        const modelName = `${source.name}_${table.name}`;
        for (const t of testEntries(table)) add({ entry: t, refExpr, attachedTo, modelName });
        for (const column of table.columns ?? []) {
          for (const t of testEntries(column)) add({ entry: t, refExpr, attachedTo, modelName, column });
        }
      }
    }
  }
  for (const testFile of files.singularTests) {
    const name = path.basename(testFile.file, '.sql');
    const { refs, sources: sourceCalls, config: inFileConfig } = session.sqlCalls(testFile, scope, undefined, (own) => own);
    const sourceIds = sourceCalls.map((s) => session.resolveSource(s.sourceName, s.tableName, packageName, testFile.file, testFile.text));
    const parents = [...new Set(refs)].map((r) => session.resolveRefName(r, packageName, testFile.file, testFile.text));
    const dependsOn = [...parents, ...new Set(sourceIds)];
    // A singular test that selects from no ref() or source() still runs, as in dbt: it is its own tests node.
    const uniqueId = `test.${packageName}.${name}`;
    addTest({
      uniqueId,
      resourceType: 'test',
      name,
      origin: { file: testFile.file },
      kind: 'singular',
      rawSql: testFile.text,
      attachedTo: dependsOn[0] ?? uniqueId,
      severity: severityOf(inFileConfig.severity, testFile.file),
      ...thresholdsOf(inFileConfig, testFile.file),
      tags: toStringList(inFileConfig.tags),
      dependsOn,
    }, inFileConfig, path.posix.dirname(testFile.relative) === '.' ? '' : path.posix.dirname(testFile.relative));
  }
}
