/**
 * EventBridge event-pattern matching, done locally: the local event bus routes events with it and the
 * tests check rule files against sample events with it.
 *
 * Semantics follow EventBridge content filtering (and its open-source engine, Event Ruler):
 * - A pattern is a JSON object shaped like the events it matches. Every leaf is an array of match
 *   values, which are ORed; the fields of an object are ANDed; `"$or": [{…}, {…}]` ORs whole sub-patterns.
 * - Match values: exact strings, numbers (compared numerically), booleans, `null`, `""`, and operator
 *   objects: `prefix`, `suffix` (both also `{"equals-ignore-case": …}`), `equals-ignore-case`,
 *   `wildcard`, `anything-but` (value, list, or `{prefix|suffix|equals-ignore-case|wildcard: …}`),
 *   `numeric`, `exists`, `cidr` (IPv4 and IPv6).
 * - When the event value is an array, the field matches if any element matches. Arrays of objects are
 *   matched element by element, so two fields of one sub-pattern must match inside the same element.
 * - `exists` looks at leaf values only: a field holding an object, or an empty array, does not exist.
 *
 * Not enforced: EventBridge's limits on pattern size and numeric range (±5e9).
 */
import { InvalidPatternError } from './errors';
import { compileMatchValue, type Leaf, type LeafTest } from './match-value-operators';
import { describe, formatPath, isPlainObject, type PathPart } from './pattern-json';

export { InvalidPatternError } from './errors';

/** A value an event pattern can compare against: an exact value or an operator object such as `{"prefix": "x"}`. */
export type MatchValue = string | number | boolean | null | { readonly [operator: string]: unknown };

/** An EventBridge event pattern (same shape as the events it matches; leaves are arrays of match values). */
export interface EventPattern {
  readonly [field: string]: readonly MatchValue[] | EventPattern | readonly EventPattern[];
}

/** A pattern checked once and ready to test many events. */
export interface CompiledPattern {
  matches(event: unknown): boolean;
}

interface ObjectMatcher {
  fields: FieldMatcher[];
  /** Each entry is one `$or`: at least one of its alternatives must match. */
  alternatives: ObjectMatcher[][];
}

type FieldMatcher =
  | { key: string; kind: 'object'; matcher: ObjectMatcher }
  | { key: string; kind: 'leaf'; matcher: LeafMatcher };

interface LeafMatcher {
  /** Value tests: the field matches if any test accepts any of its leaf values. */
  tests: LeafTest[];
  /** `exists` conditions: `true` wants at least one leaf value, `false` wants none. */
  exists: boolean[];
}

/**
 * Checks a pattern and compiles it for repeated matching.
 *
 * @throws InvalidPatternError naming the path and the problem, e.g. `detail.bucket.name[0]: unknown operator "prefx"`.
 * @example
 * const rule = compilePattern({ source: ['landfall'], 'detail-type': ['Data Arrived'] });
 * rule.matches({ source: 'landfall', 'detail-type': 'Data Arrived', detail: {} }); // true
 */
export function compilePattern(pattern: unknown): CompiledPattern {
  const matcher = compileObject(pattern, []);
  return { matches: (event: unknown) => matchesObject(matcher, event) };
}

/**
 * Throws if `pattern` is not a valid EventBridge event pattern.
 *
 * @throws InvalidPatternError naming the path and the problem.
 * @example
 * validatePattern({ detail: { bucket: { name: [{ prefx: 'raw-' }] } } });
 * // throws InvalidPatternError: detail.bucket.name[0]: unknown operator "prefx"
 */
export function validatePattern(pattern: unknown): asserts pattern is EventPattern {
  compileObject(pattern, []);
}

/**
 * True if `event` matches `pattern`, as EventBridge would decide it.
 *
 * @throws InvalidPatternError if the pattern is malformed.
 * @example
 * matchesPattern(
 *   { source: ['aws.s3'], detail: { object: { key: [{ prefix: 'firehose/orders/' }] } } },
 *   { source: 'aws.s3', detail: { object: { key: 'firehose/orders/2026/11/27/part-1.gz' } } },
 * ); // true
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

// ---------------------------------------------------------------- matching

function matchesObject(matcher: ObjectMatcher, value: unknown): boolean {
  const candidates = collectObjects(value, []);
  if (candidates.length === 0) return matchesOneObject(matcher, {});
  return candidates.some((candidate) => matchesOneObject(matcher, candidate));
}

function matchesOneObject(matcher: ObjectMatcher, object: Record<string, unknown>): boolean {
  const fieldsMatch = matcher.fields.every((field) => {
    const value = Object.hasOwn(object, field.key) ? object[field.key] : undefined;
    return field.kind === 'object' ? matchesObject(field.matcher, value) : matchesLeaf(field.matcher, value);
  });
  return fieldsMatch && matcher.alternatives.every((alternatives) => alternatives.some((alt) => matchesOneObject(alt, object)));
}

function matchesLeaf(matcher: LeafMatcher, value: unknown): boolean {
  const leaves = collectLeaves(value, []);
  if (matcher.exists.some((wanted) => wanted === leaves.length > 0)) return true;
  return matcher.tests.some((test) => leaves.some(test));
}

/** The objects a nested pattern is matched against: the value itself, or the objects inside an array (flattened). */
function collectObjects(value: unknown, into: Record<string, unknown>[]): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const element of value) collectObjects(element, into);
  else if (isPlainObject(value)) into.push(value);
  return into;
}

/** The leaf values of a field: the value itself, or the non-object values inside an array (flattened). */
function collectLeaves(value: unknown, into: Leaf[]): Leaf[] {
  if (Array.isArray(value)) for (const element of value) collectLeaves(element, into);
  else if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') into.push(value);
  return into;
}

// ---------------------------------------------------------------- compiling

function compileObject(pattern: unknown, path: PathPart[]): ObjectMatcher {
  if (!isPlainObject(pattern)) {
    throw new InvalidPatternError(formatPath(path), `a pattern must be a JSON object, got ${describe(pattern)}`);
  }
  const keys = Object.keys(pattern);
  if (keys.length === 0) {
    throw new InvalidPatternError(formatPath(path), 'empty object; a pattern needs at least one field');
  }
  const matcher: ObjectMatcher = { fields: [], alternatives: [] };
  for (const key of keys) {
    const value = pattern[key];
    const fieldPath = [...path, key];
    if (key === '$or') {
      matcher.alternatives.push(compileOr(value, fieldPath));
    } else if (Array.isArray(value)) {
      matcher.fields.push({ key, kind: 'leaf', matcher: compileLeaf(value, fieldPath) });
    } else if (isPlainObject(value)) {
      matcher.fields.push({ key, kind: 'object', matcher: compileObject(value, fieldPath) });
    } else {
      throw new InvalidPatternError(
        formatPath(fieldPath),
        `must be an array of match values or a nested object, got ${describe(value)} (write [${JSON.stringify(value)}])`,
      );
    }
  }
  return matcher;
}

function compileOr(value: unknown, path: PathPart[]): ObjectMatcher[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidPatternError(formatPath(path), `"$or" must be an array of at least two sub-patterns, got ${describe(value)}`);
  }
  return value.map((alternative, index) => compileObject(alternative, [...path, index]));
}

function compileLeaf(values: unknown[], path: PathPart[]): LeafMatcher {
  if (values.length === 0) {
    throw new InvalidPatternError(formatPath(path), 'empty array; a field needs at least one match value');
  }
  const matcher: LeafMatcher = { tests: [], exists: [] };
  values.forEach((value, index) => {
    const valuePath = [...path, index];
    if (isPlainObject(value) && Object.keys(value).length === 1 && 'exists' in value) {
      if (typeof value.exists !== 'boolean') {
        throw new InvalidPatternError(formatPath([...valuePath, 'exists']), `must be true or false, got ${describe(value.exists)}`);
      }
      matcher.exists.push(value.exists);
    } else {
      matcher.tests.push(compileMatchValue(value, valuePath));
    }
  });
  return matcher;
}
