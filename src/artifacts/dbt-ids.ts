/**
 * dbt-core's node ids and names for landfall's nodes, so a tool joining landfall's artifacts with dbt-core's (or
 * a later run's with an earlier one's) finds the same keys.
 *
 * landfall's ids equal dbt's for models, seeds, snapshots, sources, analyses, singular tests, unit tests and
 * exposures/metrics/…; dbt's generic test ids end with a hash: `test.<pkg>.<name>.<10 hex>`, the last 10 hex
 * digits of md5(name + repr(hashable test_metadata)) (dbt-core 1.10, parser/schema_generic_tests.py,
 * `create_test_node`). The test_metadata is `{name, namespace, kwargs}`, kwargs being the test's arguments, its
 * `column_name` and `model` (`{{ get_where_subquery(ref('m')) }}`); every leaf value is Python's `str()` of it.
 */
import { createHash } from 'node:crypto';
import type { Manifest, ModelNode, TestNode } from '../engine/manifest';

/** What pythonRepr escapes besides the quote: backslashes and control characters. */
const NEEDS_ESCAPE = /[\\\x00-\x1f\x7f]/;

/** Python's `repr()` of a `str`: single quotes unless the text has a single quote and no double quote. */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  // Most text (names, SQL, Jinja) has nothing to escape: as it is, without a loop over its characters (6,500 test ids
  // of a 2,000-model project hash their arguments' repr).
  if (!NEEDS_ESCAPE.test(text) && !text.includes(quote)) return `${quote}${text}${quote}`;
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** Python's `str()` of a YAML scalar: `True`, `None`, `1.5`, the text itself. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(pythonReprOfValue).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonRepr(k)}: ${pythonReprOfValue(v)}`).join(', ')}}`;
}

function pythonFloat(value: number): string {
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

function pythonReprOfValue(value: unknown): string {
  return typeof value === 'string' ? pythonRepr(value) : pythonStr(value);
}

/** dbt's `get_hashable_md` then `repr`: dict keys sorted, lists kept, every other value `str()`-ed. */
export function hashableRepr(data: unknown): string {
  if (Array.isArray(data)) return `[${data.map(hashableRepr).join(', ')}]`;
  if (data !== null && typeof data === 'object') {
    const record = data as Record<string, unknown>;
    // Python sorts str keys by code point, as JavaScript's default sort does for BMP text.
    return `{${Object.keys(record).sort().map((k) => `${pythonRepr(k)}: ${hashableRepr(record[k])}`).join(', ')}}`;
  }
  return pythonRepr(pythonStr(data));
}

/** The `model` argument dbt gives a generic test: the relation it is attached to, in Jinja. */
export function testModelArgument(manifest: Pick<Manifest, 'models' | 'seeds' | 'sources'>, attachedTo: string): string {
  const source = manifest.sources[attachedTo];
  if (source) return `{{ get_where_subquery(source('${source.sourceName}', '${source.name}')) }}`;
  const model: ModelNode | undefined = manifest.models[attachedTo];
  const name = model?.name ?? manifest.seeds[attachedTo]?.name ?? attachedTo.split('.').pop()!;
  const version = model?.version === undefined ? '' : `, version='${model.version}'`;
  return `{{ get_where_subquery(ref('${name}'${version})) }}`;
}

/** dbt's test_metadata of a generic test (undefined for singular and unit tests). */
export function testMetadataOf(manifest: Pick<Manifest, 'models' | 'seeds' | 'sources'>, test: TestNode): { name: string; namespace: string | null; kwargs: Record<string, unknown> } | undefined {
  if (test.kind !== 'generic' || test.unitTest) return undefined;
  const metadata = test.testMetadata ?? { name: test.testName ?? test.name, namespace: null, kwargs: test.columnName === undefined ? {} : { column_name: test.columnName } };
  return { ...metadata, kwargs: { ...metadata.kwargs, model: testModelArgument(manifest, test.attachedTo) } };
}

/**
 * dbt-core's unique id of a landfall test: the generic test's id with dbt's hash; every other id as landfall's.
 *
 * @example
 * dbtTestId(manifest, manifest.tests['test.shop.not_null_orders_id']) // 'test.shop.not_null_orders_id.a1b2c3d4e5'
 */
export function dbtTestId(manifest: Pick<Manifest, 'models' | 'seeds' | 'sources'>, test: TestNode): string {
  const metadata = testMetadataOf(manifest, test);
  if (!metadata) return test.uniqueId;
  const hash = createHash('md5').update(test.name + hashableRepr(metadata)).digest('hex').slice(-10);
  // Two tests landfall had to tell apart by a suffix (compile-tests.ts) have different arguments, so different hashes.
  return `test.${packageOfId(test.uniqueId)}.${test.name}.${hash}`;
}

function packageOfId(uniqueId: string): string {
  return uniqueId.split('.')[1] ?? '';
}

/** landfall id → dbt id, for every node (tests renamed, the rest unchanged), built once per manifest. */
const idMaps = new WeakMap<object, Map<string, string>>();

export function dbtIdMap(manifest: Manifest): Map<string, string> {
  let map = idMaps.get(manifest);
  if (!map) {
    map = new Map();
    for (const test of Object.values(manifest.tests)) {
      map.set(test.uniqueId, test.unitTest ? unitTestId(test) : dbtTestId(manifest, test));
    }
    idMaps.set(manifest, map);
  }
  return map;
}

/** A landfall id as dbt names it. */
export function dbtId(manifest: Manifest, uniqueId: string): string {
  return dbtIdMap(manifest).get(uniqueId) ?? uniqueId;
}

/** Unit tests are `unit_test.<pkg>.<model>.<name>` in both tools. */
function unitTestId(test: TestNode): string {
  return test.uniqueId;
}
