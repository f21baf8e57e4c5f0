/**
 * A model's parse-time render standing in for its compile render (`target/compiled`, manifest.json's
 * `compiled_code`), so a cold compile renders each model once instead of twice.
 *
 * The two renders run the same template with the same macros; they differ only in what some names give: at parse
 * time `ref()` and `this` are placeholders in the target schema, `config.get` sees the config levels merged so far,
 * `execute` is false, `graph`/`model` are empty, `invocation_id`/`run_started_at` differ, and catalog questions
 * (`adapter.get_relation`, `run_query`, `statement`…) get no answer. So the parse render records what it read of
 * those ({@link ParseRenderRecorder}): each `ref()`/`source()`/`this` with what it printed, each `config` key and
 * `var` with its value, each env var; and it is not kept at all when it read something the compile render gives
 * differently whatever the project (`execute`, `graph`, `model`, `modules`, `invocation_id`, `run_started_at`,
 * statements and catalog questions). {@link reusedParseRender} gives its SQL only when every recorded read gives
 * the same value in the compile context — a ref into the target schema prints the same relation in both, a ref
 * into a custom schema does not, and that model renders again.
 */
import { markSharedContextLayer } from '../jinja/context-layers';
import type { Manifest, ModelNode } from '../manifest';
import type { Target } from '../target';
import { RelationRef } from './relation';
import type { ContextTripwires } from './render-context';

/** What one model's parse render printed and read (see the file comment). */
export interface ParseRender {
  /** The file's text when it rendered: a model with another text is not this render's. */
  rawSql: string;
  /** The output, trimmed as renderNodeSql trims it. */
  sql: string;
  /** Each `ref()` (args: the versioned ref key) and `source()` and what it printed: `<toString> <JSON>`. */
  resolved: ['ref' | 'source', string[], string][];
  /** What `this` printed, when the render read it. */
  self?: string;
  /** Each `config.get`-style read: the key, its value as JSON, and the file's own `config()` values at that moment. */
  configReads: [string, string | undefined, Record<string, unknown>][];
  /** Each `var(name)`: the name and the node's var as JSON (undefined: not set, the default was used). */
  varReads: [string, string | undefined][];
  /** Each environment variable `env_var()` read, and its value then (null: unset). */
  env: Record<string, string | null>;
}

/** What every parse render of one compile shares, checked once against the manifest. */
export interface ParseRenderInputs {
  target: Target;
  macroSource: string;
  projectName: string;
}

/** `<toString> <JSON>`, how render-node.ts reports a printed relation to its observer. */
export function printedRelation(relation: RelationRef): string {
  return `${relation.toString()} ${JSON.stringify(relation)}`;
}

/** Names whose compile-time value differs from parse time's whatever the project: a render reading one is not kept. */
const DIFFERING_NAMES = ['execute', 'graph', 'model', 'modules', 'invocation_id', 'run_started_at', 'statement', 'run_query', 'load_result', 'store_result', 'load_relation'];
/** Every name a recorded render reads through the recording layer. */
const WATCHED_NAMES: ReadonlySet<string> = new Set([...DIFFERING_NAMES, 'this', 'var', 'adapter']);
/** Adapter methods that answer the same at parse and compile time (the rest ask the catalog or run a statement). */
const PURE_ADAPTER_METHODS: ReadonlySet<string> = new Set(['dispatch', 'quote', 'type', 'quote_as_configured', 'quote_seed_column', 'Relation', 'Column']);

/** The recorder of the parse render running now (renders do not nest: a macro cannot start another model's parse). */
let active: ParseRenderRecorder | undefined;
/** The recording layer over each shared layer (render-context.ts `sharedLayer`, one per dialect). */
const layers = new WeakMap<object, Record<string, unknown>>();

/**
 * The layer a recorded render reads its watched names through: an accessor per name that tells the active recorder
 * and gives the render's value. An assignment (`{% set execute = … %}`) makes an own name of the render's context.
 */
function recordingLayerOver(shared: Record<string, unknown>): Record<string, unknown> {
  let layer = layers.get(shared);
  if (layer) return layer;
  layer = Object.create(shared) as Record<string, unknown>;
  for (const name of WATCHED_NAMES) {
    Object.defineProperty(layer, name, {
      get(this: Record<string, unknown>) {
        if (!active) throw new Error(`'${name}' read outside the parse render that recorded it`);
        return active.read(name, shared);
      },
      set(this: Record<string, unknown>, value: unknown) {
        Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
      },
      enumerable: true,
      configurable: true,
    });
  }
  markSharedContextLayer(layer);
  layers.set(shared, layer);
  return layer;
}

/** Records what one model's parse render reads: pass `tripwires` to buildRenderContext, render inside `during`. */
export class ParseRenderRecorder {
  private differs = false;
  private readonly record: Omit<ParseRender, 'rawSql' | 'sql' | 'env'> = { resolved: [], configReads: [], varReads: [] };
  private recordingVar?: (...args: unknown[]) => unknown;
  private recordingAdapter?: Record<string, unknown>;
  readonly tripwires: ContextTripwires = { names: WATCHED_NAMES, values: {}, layerOver: recordingLayerOver };

  /** @param vars the vars the render's `var()` reads */
  constructor(private readonly vars: Record<string, unknown>) {}

  /** `ref()`/`source()` returned `relation`. */
  printed(call: 'ref' | 'source', args: string[], relation: RelationRef): void {
    this.record.resolved.push([call, args, printedRelation(relation)]);
  }

  /** The config `config.get` reads: each key read is recorded with `own`, the file's `config()` values so far. */
  watchConfig(values: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
    return new Proxy(values, {
      get: (target, key) => {
        if (typeof key !== 'string') this.differs = true;
        else this.record.configReads.push([key, JSON.stringify(target[key]), own]);
        return Reflect.get(target, key) as unknown;
      },
      has: (target, key) => {
        this.differs = true;
        return Reflect.has(target, key);
      },
      ownKeys: (target) => {
        this.differs = true;
        return Reflect.ownKeys(target);
      },
      getOwnPropertyDescriptor: (target, key) => {
        this.differs = true;
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
  }

  /** Runs `render` with this recorder told of the watched names' reads. */
  during<T>(render: () => T): T {
    const outer = active;
    active = this;
    try {
      return render();
    } finally {
      active = outer;
    }
  }

  /** A read of watched `name` (the recording layer's accessor): what the render sees. */
  read(name: string, shared: Record<string, unknown>): unknown {
    const values = this.tripwires.values;
    if (name === 'var') return (this.recordingVar ??= this.varRecorder(values.var as (...args: unknown[]) => unknown));
    if (name === 'adapter') return (this.recordingAdapter ??= this.adapterRecorder(values.adapter as Record<string, unknown>));
    if (name === 'this') {
      if (values.this instanceof RelationRef) this.record.self = printedRelation(values.this);
      else this.differs = true;
      return values.this;
    }
    this.differs = true;
    if (!(name in values)) return shared[name];
    const value = values[name];
    // graph and model are made when first read (render-context.ts).
    if ((name === 'graph' || name === 'model') && typeof value === 'function') return (values[name] = (value as () => unknown)());
    return value;
  }

  /** The record of a render that printed `output`, or undefined when it read something the compile render gives differently. */
  finish(rawSql: string, output: string, env: Record<string, string | null>): ParseRender | undefined {
    // LANDFALL_LOG_JINJA prints `log()`/`print()` output: the compile render prints it again, as before.
    if (this.differs || process.env.LANDFALL_LOG_JINJA) return undefined;
    return { rawSql, sql: output.trim(), ...this.record, env: { ...env } };
  }

  private varRecorder(readVar: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    return (...args: unknown[]) => {
      const name = args[0];
      if (typeof name !== 'string') this.differs = true;
      else this.record.varReads.push([name, Object.prototype.hasOwnProperty.call(this.vars, name) ? JSON.stringify(this.vars[name]) ?? 'undefined' : undefined]);
      return readVar(...args);
    };
  }

  /** The render's adapter, with each method that asks the catalog or runs a statement marking the render as differing. */
  private adapterRecorder(adapter: Record<string, unknown>): Record<string, unknown> {
    const recording = { ...adapter };
    for (const [key, method] of Object.entries(adapter)) {
      if (PURE_ADAPTER_METHODS.has(key) || typeof method !== 'function') continue;
      recording[key] = (...args: unknown[]) => {
        this.differs = true;
        return (method as (...a: unknown[]) => unknown)(...args);
      };
    }
    return recording;
  }
}

interface KeptRenders {
  byFile: Map<string, ParseRender>;
  inputs: ParseRenderInputs;
  /** Whether `inputs` match the manifest's (checked on first use). */
  sameInputs?: boolean;
}

const kept = new WeakMap<Manifest, KeptRenders>();

/** The parse renders of `manifest`'s models, by model file, for {@link reusedParseRender}. */
export function keepParseRenders(manifest: Manifest, byFile: Map<string, ParseRender>, inputs: ParseRenderInputs): void {
  if (byFile.size > 0) kept.set(manifest, { byFile, inputs });
}

/** How the compile render resolves what the parse render read (render-node.ts and compiled-sql.ts know it). */
export interface CompileResolution {
  /** What `ref(key)`/`source(a, b)` prints when compiling, or undefined (not found, or an ephemeral model's CTE). */
  printed(call: 'ref' | 'source', args: string[]): string | undefined;
  /** The vars the model's render sees. */
  vars: Record<string, unknown>;
}

/**
 * The SQL `model`'s compile render would print, from its parse render, with what that render read; undefined when
 * there is none or any read would give another value now.
 */
export function reusedParseRender(manifest: Manifest, model: ModelNode, resolve: () => CompileResolution): ParseRender | undefined {
  const renders = kept.get(manifest);
  const render = renders?.byFile.get(model.origin.file);
  if (!renders || !render || render.rawSql !== model.rawSql || model.config.materialized === 'ephemeral') return undefined;
  renders.sameInputs ??= renders.inputs.macroSource === manifest.macroSource && renders.inputs.projectName === manifest.projectName &&
    JSON.stringify(renders.inputs.target) === JSON.stringify(manifest.target);
  if (!renders.sameInputs || process.env.LANDFALL_LOG_JINJA) return undefined;
  if (render.self !== undefined && render.self !== printedRelation(RelationRef.inDatabase(model.relation, manifest.target.database))) return undefined;
  for (const [key, value, own] of render.configReads) {
    if (JSON.stringify({ ...model.config, ...own }[key]) !== value) return undefined;
  }
  for (const [name, value] of Object.entries(render.env)) if ((process.env[name] ?? null) !== value) return undefined;
  const resolution = resolve();
  for (const [name, value] of render.varReads) {
    const now = Object.prototype.hasOwnProperty.call(resolution.vars, name) ? JSON.stringify(resolution.vars[name]) ?? 'undefined' : undefined;
    if (now !== value) return undefined;
  }
  for (const [call, args, printed] of render.resolved) if (resolution.printed(call, args) !== printed) return undefined;
  return render;
}
