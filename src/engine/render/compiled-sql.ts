/**
 * A model's compiled SQL as `dbt compile` renders it (not incremental, refs and sources resolved), memoised in the
 * partial-parse cache so that a recompile renders only the models whose inputs changed.
 *
 * A kept result is reused when
 * - the fingerprint matches: the node as compiled (its SQL, config, relation, dependencies, YAML properties), the
 *   project's macro source, vars, target and project name;
 * - each `ref()`/`source()` the render made still prints the same relation (another model's schema or alias may
 *   have changed), and each environment variable it read holds the same value;
 * and never when the render read something that changes between compiles or spans the project (`graph`,
 * `run_started_at`, `modules`, an ephemeral model's CTE): see render-node.ts `RenderObserver`.
 */
import { findSource, type Manifest, type ModelNode } from '../manifest';
import { contentHash, type CompiledSqlEntry, type PartialParseCache } from '../project/partial-parse';
import { RelationRef } from './relation';
import { refsEphemeralModel, relationOfRef, renderNodeSql, varsOfNode, type RenderObserver } from './render-node';
import { reusedParseRender, type CompileResolution } from './parse-render-reuse';

/** The partial-parse cache a manifest was compiled with (compile-manifest.ts registers it). */
const memos = new WeakMap<Manifest, PartialParseCache>();
/** The hash of what every node of a manifest renders with. */
const projectFingerprints = new WeakMap<Manifest, string>();

/** Compiled SQL of `manifest`'s models is memoised in `cache` (and saved by `cache.finishCompiledSql()`). */
export function memoiseCompiledSql(manifest: Manifest, cache: PartialParseCache): void {
  memos.set(manifest, cache);
}

function projectFingerprint(manifest: Manifest): string {
  let fingerprint = projectFingerprints.get(manifest);
  if (fingerprint === undefined) {
    fingerprint = contentHash(JSON.stringify([manifest.macroSource, manifest.vars, manifest.packageVars ?? null, manifest.target, manifest.projectName]));
    projectFingerprints.set(manifest, fingerprint);
  }
  return fingerprint;
}

/** What `ref(name)`/`source(a, b)` prints now, as render-node.ts reports it to an observer. */
function printedNow(manifest: Manifest, call: string, args: string[]): string | undefined {
  let relation: RelationRef | undefined;
  if (call === 'source') {
    const source = findSource(manifest, args[0]!, args[1]!);
    relation = source && RelationRef.inDatabase(source.relation, manifest.target.database);
  } else {
    relation = relationOfRef(manifest, args[0]!);
  }
  return relation && `${relation.toString()} ${JSON.stringify(relation)}`;
}

/** What the compile render of `model` prints for `ref()`/`source()` and the vars it sees. */
function compileResolution(manifest: Manifest, model: ModelNode): CompileResolution {
  return {
    printed: (call, args) => (call === 'ref' && refsEphemeralModel(manifest, args[0]!) ? undefined : printedNow(manifest, call, args)),
    vars: varsOfNode(manifest, model, manifest.vars),
  };
}

/**
 * @example
 * compiledSqlOf(manifest, manifest.models['model.shop.orders'], new Date()) // 'select … from "dev"."raw"."orders"'
 */
export function compiledSqlOf(manifest: Manifest, model: ModelNode, startedAt: Date): string {
  const parsed = () => reusedParseRender(manifest, model, () => compileResolution(manifest, model));
  const render = (observe?: RenderObserver) => renderNodeSql(manifest, model, { vars: manifest.vars, isIncremental: false, invocationId: 'compile', runStartedAt: startedAt, ...(observe ? { observe } : {}) });
  const memo = memos.get(manifest);
  if (!memo) return parsed()?.sql ?? render();
  // The render's `model` variable (graph-context.ts `nodeDict`) is made of the node, the project's name and the
  // target, all in the fingerprint already: serialising it as well cost as much again.
  const fingerprint = contentHash(`${projectFingerprint(manifest)}\n${JSON.stringify(model)}`);
  const kept = memo.compiledSql(model.uniqueId, fingerprint, (entry) =>
    entry.resolved.every(([call, args, printed]) => printedNow(manifest, call, args) === printed) &&
    Object.entries(entry.env).every(([name, value]) => (process.env[name] ?? null) === value));
  if (kept !== undefined) return kept;
  // The parse render printed the same (parse-render-reuse.ts): kept with what it resolved, as a render would be.
  const reused = parsed();
  if (reused) {
    memo.storeCompiledSql(model.uniqueId, { fingerprint, resolved: reused.resolved.map(([call, args, printed]) => [call, [...args], printed]), env: { ...reused.env }, sql: reused.sql });
    return reused.sql;
  }
  const entry: CompiledSqlEntry = { fingerprint, resolved: [], env: {}, sql: '' };
  let volatile = false;
  entry.sql = render({
    resolved: (call, args, printed) => entry.resolved.push([call, args, printed]),
    envRead: (name, value) => {
      entry.env[name] = value;
    },
    volatile: () => {
      volatile = true;
    },
  });
  if (!volatile) memo.storeCompiledSql(model.uniqueId, entry);
  return entry.sql;
}
