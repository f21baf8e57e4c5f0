/**
 * The names a model template sees (`ref`, `source`, `config`, `var`, `this`, `target`, `is_incremental`),
 * built for one of two moments: parse time, which records calls to build the graph without a warehouse,
 * and run time, which resolves real relations. Both share this one builder so they cannot drift apart.
 */
import type { Target } from '../target';
import { RelationRef } from './relation';
import { dbtGlobals } from '../jinja/dbt-globals';
import { PyDatetime } from '../jinja/python-datetime';

export interface RenderHooks {
  ref(name: string, version?: string): RelationRef;
  source(sourceName: string, tableName: string): RelationRef;
  /** Called with the keyword arguments of `{{ config(...) }}`. */
  config(values: Record<string, unknown>): void;
  /** Current config values, for `config.get`. */
  configValues(): Record<string, unknown>;
  isIncremental(): boolean;
}

export interface RenderInputs {
  target: Target;
  /** Project vars overridden by `--vars`. */
  vars: Record<string, unknown>;
  self: RelationRef | undefined;
  hooks: RenderHooks;
  invocationId: string;
  runStartedAt: Date;
}

function stripKeywords(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (last && typeof last === 'object' && Object.prototype.hasOwnProperty.call(last, '__keywords')) {
    const { __keywords: _flag, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

export class UnknownVarError extends Error {
  constructor(name: string) {
    super(`Required var '${name}' not found in dbt_project.yml vars or --vars, and no default was given`);
    this.name = 'UnknownVarError';
  }
}

/** Build the template context. */
export function buildRenderContext(inputs: RenderInputs): Record<string, unknown> {
  const { hooks } = inputs;
  const config = (...args: unknown[]) => {
    const { positional, keywords } = stripKeywords(args);
    const values = { ...((positional[0] as Record<string, unknown> | undefined) ?? {}), ...keywords };
    hooks.config(values);
    return '';
  };
  Object.assign(config, {
    get: (key: string, fallback?: unknown) => hooks.configValues()[key] ?? fallback ?? null,
    require: (key: string) => {
      const value = hooks.configValues()[key];
      if (value === undefined) throw new Error(`config '${key}' is required`);
      return value;
    },
  });
  const varFn = (...args: unknown[]) => {
    const { positional, keywords } = stripKeywords(args);
    const name = String(positional[0]);
    if (Object.prototype.hasOwnProperty.call(inputs.vars, name)) return inputs.vars[name];
    const fallback = positional.length > 1 ? positional[1] : keywords.default;
    if (fallback === undefined) throw new UnknownVarError(name);
    return fallback;
  };
  return {
    ...dbtGlobals(inputs.target.type),
    ref: (...args: unknown[]) => {
      const { positional, keywords } = stripKeywords(args);
      // ref('package', 'model') or ref('model', v=2): the model name is the last positional argument.
      const name = String(positional[positional.length - 1]);
      return hooks.ref(name, keywords.v !== undefined ? String(keywords.v) : undefined);
    },
    source: (sourceName: string, tableName: string) => hooks.source(String(sourceName), String(tableName)),
    config,
    var: varFn,
    this: inputs.self,
    target: { ...inputs.target, dbname: inputs.target.database, threads: 4 },
    is_incremental: () => hooks.isIncremental(),
    env_var: (name: string, fallback?: string) => {
      const value = process.env[name] ?? fallback;
      if (value === undefined) throw new Error(`Env var required but not provided: '${name}'`);
      return value;
    },
    invocation_id: inputs.invocationId,
    run_started_at: new PyDatetime(inputs.runStartedAt),
    log: (message: unknown, ...rest: unknown[]) => {
      const info = rest.some((r) => r === true || (r && typeof r === 'object' && (r as { info?: unknown }).info === true));
      if (info && process.env.LANDFALL_LOG_JINJA) process.stderr.write(`${String(message)}\n`);
      return '';
    },
    exceptions: {
      raise_compiler_error: (message: string) => {
        throw new Error(`Compilation Error: ${message}`);
      },
      warn: () => '',
    },
    execute: true,
    flags: {},
  };
}
