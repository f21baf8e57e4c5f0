/**
 * EventBridge match values compiled to tests of one leaf value: exact values and the operators `prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`, `anything-but`, `numeric` and `cidr` (`exists` is handled by the matcher).
 */
import { BlockList, isIP } from 'node:net';
import { InvalidPatternError } from './errors';
import { describe, failAt, formatPath, isPlainObject, requireString, requireStringOrStringList, type PathPart } from './pattern-json';

export type Leaf = string | number | boolean | null;
export type LeafTest = (value: Leaf) => boolean;

export function compileMatchValue(value: unknown, path: PathPart[]): LeafTest {
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
