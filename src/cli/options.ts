/** Flag parsing shared by the commands, with errors that name the flag and what it expects. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const COMMON_FLAGS = {
  'project-dir': { type: 'string' },
  'state-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'target-schema': { type: 'string' },
  json: { type: 'boolean' },
  'via-data-api': { type: 'boolean' },
  'no-partial-parse': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options: { ...COMMON_FLAGS, ...options }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** `--vars '{"key": "value"}'` (JSON or a simple YAML-ish `key: value`). */
export function parseVars(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    const simple = /^\s*\{?\s*([A-Za-z_][\w]*)\s*:\s*(.+?)\s*\}?\s*$/.exec(text);
    if (simple) return { [simple[1]!]: simple[2]!.replace(/^['"]|['"]$/g, '') };
  }
  throw new UsageError(`--vars must be a JSON object, e.g. --vars '{"lookback_days": 3}'; got ${text}`);
}

/** `--select a b` arrives as repeated values or one space-separated value. */
export function selectors(values: string[] | string | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}
