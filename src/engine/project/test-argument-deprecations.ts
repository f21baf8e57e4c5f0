/**
 * dbt's MissingArgumentsPropertyInGenericTestDeprecation, at parse, with the file and line: a generic test whose
 * arguments sit at the top level of its entry instead of under `arguments:`. dbt-core 1.10+ warns about it
 * (dbt/parser/generic_test_builders.py, with `require_generic_test_arguments_property`, default on in 1.10 to 1.12);
 * 1.12 names the resource, package and file as this does. The keys dbt accepts at the top level: `config`,
 * `column_name`, `description`, `name` and the test configs (severity, tags, enabled, where, limit, warn_if, error_if,
 * fail_calc, store_failures, store_failures_as, sql_header, meta, database, schema, alias).
 */
import { lineOf } from '../errors';
import { escapeRegex } from './config-levels';
import { testEntries } from './generic-test-nodes';
import type { ProjectFiles, TestEntry } from './project-files';

const TOP_LEVEL_KEYS = new Set([
  'arguments', 'config', 'column_name', 'description', 'name',
  'severity', 'tags', 'enabled', 'where', 'limit', 'warn_if', 'error_if', 'fail_calc', 'store_failures', 'store_failures_as', 'sql_header', 'meta', 'database', 'schema', 'alias',
]);

interface TestHolder { data_tests?: TestEntry[]; tests?: TestEntry[]; columns?: TestHolder[] }

/**
 * @example
 * testArgumentDeprecations(files) // ["models/_shop.yml:14: Found top-level arguments to test `relationships` defined on 'stg_products' in package 'shop' …"]
 */
export function testArgumentDeprecations(files: ProjectFiles): string[] {
  const warnings: string[] = [];
  for (const project of [files, ...(files.packages ?? [])]) {
    const packageName = String(project.project.name ?? '');
    for (const { file, content, text } of project.properties) {
      const resources: { name: string; holder: TestHolder }[] = [
        ...[...(content.models ?? []), ...(content.seeds ?? []), ...(((content as { snapshots?: unknown }).snapshots ?? []) as NonNullable<typeof content.models>)]
          .map((entry) => ({ name: entry.name, holder: entry as TestHolder })),
        ...(content.sources ?? []).flatMap((source) => source.tables.map((table) => ({ name: table.name, holder: table as TestHolder }))),
      ];
      const seen = new Map<string, number>();
      for (const { name, holder } of resources) {
        for (const entry of [...testEntries(holder), ...(holder.columns ?? []).flatMap((column) => testEntries(column))]) {
          const testName = topLevelArgumentsTest(entry);
          if (!testName) continue;
          const nth = seen.get(`${name}\0${testName}`) ?? 0;
          seen.set(`${name}\0${testName}`, nth + 1);
          const line = text === undefined ? undefined : lineOfTest(text, name, testName, nth);
          warnings.push(`${file}${line ? `:${line}` : ''}: Found top-level arguments to test \`${testName}\` defined on '${name}' in package '${packageName}'. Arguments to generic tests should be nested under the \`arguments\` property (dbt's MissingArgumentsPropertyInGenericTestDeprecation)`);
        }
      }
    }
  }
  return warnings;
}

/** The test's name when its entry has arguments at the top level and no `arguments:`, else undefined. */
function topLevelArgumentsTest(entry: TestEntry): string | undefined {
  if (typeof entry === 'string') return undefined;
  const keys = Object.keys(entry);
  if (keys.length !== 1) return undefined;
  const args = entry[keys[0]!];
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return undefined;
  const argKeys = Object.keys(args);
  if ((args as Record<string, unknown>).arguments) return undefined;
  return argKeys.some((k) => !TOP_LEVEL_KEYS.has(k)) ? keys[0] : undefined;
}

/** The line of the nth `- testName:` after the resource's `name:` line. */
function lineOfTest(text: string, resource: string, testName: string, nth: number): number | undefined {
  const resourceLine = lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(resource)}['"]?\\s*$`, 'm'));
  const lines = text.split('\n');
  const pattern = new RegExp(`^\\s*-\\s*['"]?${escapeRegex(testName)}['"]?\\s*:`);
  let skip = nth;
  for (let i = resourceLine ?? 0; i < lines.length; i++) if (pattern.test(lines[i]!) && skip-- === 0) return i + 1;
  return resourceLine;
}
