/** Flag parsing shared by the commands, with errors that name the flag and what it expects. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as yaml from 'js-yaml';
import { didYouMean } from './suggest';

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
  /** dbt's `--target/-t`: the output of the profile to use (profile.ts). */
  target: { type: 'string', short: 't' },
  /** dbt's `--profiles-dir`: where profiles.yml is (else DBT_PROFILES_DIR, the project folder, ~/.dbt). */
  'profiles-dir': { type: 'string' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  const all = { ...COMMON_FLAGS, ...options };
  try {
    return parseArgs({ args, options: all, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '');
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const flag = unknown[1]!.replace(/=.*$/, '');
      const known = Object.entries(all).flatMap(([name, o]) => [`--${name}`, ...('short' in o && o.short ? [`-${o.short}`] : [])]);
      throw new UsageError(`unknown flag ${flag}${didYouMean(flag, known, (f) => f)}. '--help' lists this command's flags.`);
    }
    throw new UsageError(message);
  }
}

/**
 * `--vars` as dbt reads it: a YAML mapping (`'{k: 5, name: x}'` or `'k: 5'`), so JSON works too (JSON is YAML).
 * Numbers, booleans and lists keep their types.
 */
export function parseVars(text: string | undefined): Record<string, unknown> {
  return parseMappingFlag('--vars', text, '{lookback_days: 3, region: eu}');
}

/**
 * A flag whose value is a mapping of names to values in YAML (so JSON too), as dbt reads `--vars` and `--args`;
 * absent or blank is `{}`. @throws UsageError naming the flag, with an example, when it is not YAML or not a mapping.
 */
export function parseMappingFlag(flag: string, text: string | undefined, example: string): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    throw new UsageError(`${flag} is not valid YAML: ${(error as Error).message.split('\n')[0]}; e.g. ${flag} '${example}'`);
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  throw new UsageError(`${flag} must be a mapping of names to values (YAML or JSON), e.g. ${flag} '${example}'; got ${text}`);
}

/** `--select a b` arrives as repeated values or one space-separated value. */
export function selectors(values: string[] | string | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}
