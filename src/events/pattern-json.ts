/**
 * Reading an event pattern's JSON: type checks that fail with an InvalidPatternError naming the path
 * (`detail.bucket.name[0]`) and a short description of what was there instead.
 */
import { InvalidPatternError } from './errors';

/** A step into a pattern: an object key or an array index. */
export type PathPart = string | number;

export function failAt(path: PathPart[], problem: string): never {
  throw new InvalidPatternError(formatPath(path), problem);
}

export function requireString(value: unknown, path: PathPart[]): string {
  if (typeof value !== 'string') throw new InvalidPatternError(formatPath(path), `must be a string, got ${describe(value)}`);
  return value;
}

export function requireStringOrStringList(value: unknown, path: PathPart[]): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value;
  throw new InvalidPatternError(formatPath(path), `must be a string or a non-empty list of strings, got ${describe(value)}`);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `['detail', 'bucket', 'name', 0]` → `detail.bucket.name[0]`; the empty path is `(root)`. */
export function formatPath(path: PathPart[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text === '' ? part : `${text}.${part}`;
  }, '');
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `array ${truncate(JSON.stringify(value))}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `object ${truncate(JSON.stringify(value))}`;
  return `${typeof value} ${truncate(JSON.stringify(value))}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
