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
import { BlockList, isIP } from 'node:net';
import { InvalidPatternError } from './errors';

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

type Leaf = string | number | boolean | null;
type LeafTest = (value: Leaf) => boolean;
type PathPart = string | number;

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

function compileMatchValue(value: unknown, path: PathPart[]): LeafTest {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
    return exactTest(value);
  }
  if (Array.isArray(value)) {
    throw new InvalidPatternError(formatPath(path), 'nested arrays are not allowed as match values');
  }
  if (!isPlainObject(value)) {
    throw new InvalidPatternError(formatPath(path), `unsupported match value ${describe(value)}`);
  }
  const operators = Object.keys(value);
  if (operators.length !== 1) {
    const listed = operators.map((name) => JSON.stringify(name)).join(', ');
    throw new InvalidPatternError(
      formatPath(path),
      `an operator object must have exactly one key, got ${operators.length}${listed ? ` (${listed})` : ''}`,
    );
  }
  const [operator] = operators;
  const argument = value[operator];
  const argumentPath = [...path, operator];
  switch (operator) {
    case 'prefix':
      return affixTest(argument, argumentPath, 'prefix');
    case 'suffix':
      return affixTest(argument, argumentPath, 'suffix');
    case 'equals-ignore-case':
      return equalsIgnoreCaseTest(requireString(argument, argumentPath));
    case 'wildcard':
      return wildcardTest(requireString(argument, argumentPath), argumentPath);
    case 'anything-but':
      return anythingButTest(argument, argumentPath);
    case 'numeric':
      return numericTest(argument, argumentPath);
    case 'cidr':
      return cidrTest(argument, argumentPath);
    default:
      throw new InvalidPatternError(formatPath(path), `unknown operator ${JSON.stringify(operator)}`);
  }
}

function exactTest(expected: Leaf): LeafTest {
  return (value) => value === expected;
}

function equalsIgnoreCaseTest(expected: string): LeafTest {
  const lowered = expected.toLowerCase();
  return (value) => typeof value === 'string' && value.toLowerCase() === lowered;
}

/** `{"prefix": "x"}`, `{"prefix": {"equals-ignore-case": "x"}}`, and the same for `suffix`. */
function affixTest(argument: unknown, path: PathPart[], side: 'prefix' | 'suffix'): LeafTest {
  let text: string;
  let ignoreCase = false;
  if (typeof argument === 'string') {
    text = argument;
  } else if (isPlainObject(argument) && Object.keys(argument).length === 1 && typeof argument['equals-ignore-case'] === 'string') {
    text = argument['equals-ignore-case'];
    ignoreCase = true;
  } else {
    throw new InvalidPatternError(formatPath(path), `must be a string or {"equals-ignore-case": "<string>"}, got ${describe(argument)}`);
  }
  const wanted = ignoreCase ? text.toLowerCase() : text;
  return (value) => {
    if (typeof value !== 'string') return false;
    const subject = ignoreCase ? value.toLowerCase() : value;
    return side === 'prefix' ? subject.startsWith(wanted) : subject.endsWith(wanted);
  };
}

/**
 * `*` matches any run of characters (including none); `\*` is a literal asterisk and `\\` a literal backslash.
 * Consecutive wildcards and any other escape are invalid, as in EventBridge.
 */
function wildcardTest(pattern: string, path: PathPart[]): LeafTest {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') {
        const what = next === undefined ? 'a trailing backslash' : `"\\${next}"`;
        throw new InvalidPatternError(formatPath(path), `invalid escape ${what} at position ${i}; only \\* and \\\\ are allowed`);
      }
      source += escapeRegExp(next);
      i++;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        throw new InvalidPatternError(formatPath(path), `consecutive wildcard characters at position ${i} are not allowed`);
      }
      source += '.*';
    } else {
      source += escapeRegExp(char);
    }
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => typeof value === 'string' && regex.test(value);
}

/**
 * `{"anything-but": v}` matches any present leaf value that the excluded condition does not match
 * (including `null`, which is a present value). A missing field never matches.
 */
function anythingButTest(argument: unknown, path: PathPart[]): LeafTest {
  const excluded = anythingButExclusions(argument, path);
  return (value) => !excluded.some((test) => test(value));
}

function anythingButExclusions(argument: unknown, path: PathPart[]): LeafTest[] {
  if (typeof argument === 'string' || typeof argument === 'number') return [exactTest(argument)];
  if (Array.isArray(argument)) {
    const allStrings = argument.every((item) => typeof item === 'string');
    const allNumbers = argument.every((item) => typeof item === 'number');
    if (argument.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidPatternError(formatPath(path), 'an anything-but list must be non-empty and hold only strings or only numbers');
    }
    return argument.map((item) => exactTest(item as string | number));
  }
  if (isPlainObject(argument) && Object.keys(argument).length === 1) {
    const [operator] = Object.keys(argument);
    const inner = argument[operator];
    const innerPath = [...path, operator];
    switch (operator) {
      case 'prefix':
      case 'suffix':
        return [affixTest(requireString(inner, innerPath), innerPath, operator)];
      case 'equals-ignore-case':
        return requireStringOrStringList(inner, innerPath).map(equalsIgnoreCaseTest);
      case 'wildcard':
        return requireStringOrStringList(inner, innerPath).map((text) => wildcardTest(text, innerPath));
      default:
        throw new InvalidPatternError(
          formatPath(innerPath),
          `anything-but does not support ${JSON.stringify(operator)}; use prefix, suffix, equals-ignore-case or wildcard`,
        );
    }
  }
  throw new InvalidPatternError(
    formatPath(path),
    `must be a string, a number, a list of strings or of numbers, or {prefix|suffix|equals-ignore-case|wildcard: …}, got ${describe(argument)}`,
  );
}

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

/** `{"numeric": ["=", 5]}`, `[">", 0]`, or a range `[">", 0, "<=", 5]` (lower bound first). Numbers only. */
function numericTest(argument: unknown, path: PathPart[]): LeafTest {
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4)) {
    failAt(path, `must be [operator, number] or [">"|">=", number, "<"|"<=", number], got ${describe(argument)}`);
  }
  const comparisons: { operator: string; bound: number }[] = [];
  for (let i = 0; i < argument.length; i += 2) {
    const [operator, bound] = [argument[i], argument[i + 1]];
    if (typeof operator !== 'string' || !['=', '<', '<=', '>', '>='].includes(operator)) {
      failAt(path, `unknown numeric operator ${describe(operator)} at position ${i}; use =, <, <=, > or >=`);
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      failAt(path, `numeric operator "${operator}" needs a number at position ${i + 1}, got ${describe(bound)}`);
    }
    comparisons.push({ operator, bound });
  }
  if (comparisons.length === 2) {
    const [lower, upper] = comparisons;
    if (!LOWER_BOUNDS.has(lower.operator) || !UPPER_BOUNDS.has(upper.operator)) {
      failAt(path, `a numeric range must be a lower bound (> or >=) followed by an upper bound (< or <=), got "${lower.operator}" then "${upper.operator}"`);
    }
    if (lower.bound >= upper.bound) failAt(path, `the lower bound ${lower.bound} must be less than the upper bound ${upper.bound}`);
  }
  return (value) => typeof value === 'number' && comparisons.every(({ operator, bound }) => compareNumbers(value, operator, bound));
}

function compareNumbers(value: number, operator: string, bound: number): boolean {
  switch (operator) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    default:
      return value >= bound;
  }
}

/** `{"cidr": "10.0.0.0/24"}` or `{"cidr": "2001:db8::/32"}`: string values that are addresses of that family inside the block. */
function cidrTest(argument: unknown, path: PathPart[]): LeafTest {
  const text = requireString(argument, path);
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const family = match ? isIP(match[1]) : 0;
  const prefixLength = match ? Number(match[2]) : NaN;
  if (!match || family === 0 || prefixLength > (family === 4 ? 32 : 128)) {
    throw new InvalidPatternError(formatPath(path), `not a valid IPv4 or IPv6 CIDR block: ${JSON.stringify(text)}`);
  }
  const block = new BlockList();
  block.addSubnet(match[1], prefixLength, family === 4 ? 'ipv4' : 'ipv6');
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return (value) => typeof value === 'string' && isIP(value) === family && block.check(value, type);
}

// ---------------------------------------------------------------- helpers

function failAt(path: PathPart[], problem: string): never {
  throw new InvalidPatternError(formatPath(path), problem);
}

function requireString(value: unknown, path: PathPart[]): string {
  if (typeof value !== 'string') throw new InvalidPatternError(formatPath(path), `must be a string, got ${describe(value)}`);
  return value;
}

function requireStringOrStringList(value: unknown, path: PathPart[]): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value;
  throw new InvalidPatternError(formatPath(path), `must be a string or a non-empty list of strings, got ${describe(value)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `['detail', 'bucket', 'name', 0]` → `detail.bucket.name[0]`; the empty path is `(root)`. */
function formatPath(path: PathPart[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text === '' ? part : `${text}.${part}`;
  }, '');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `array ${truncate(JSON.stringify(value))}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `object ${truncate(JSON.stringify(value))}`;
  return `${typeof value} ${truncate(JSON.stringify(value))}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
