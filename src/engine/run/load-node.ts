/**
 * Load nodes: the S3/Firehose COPY of a batch of landed objects as a node of the run, submitted and polled by
 * the same scheduler step as models (no Lambda waits on the COPY), upstream of the models that read the
 * loaded source. The engine knows only the node's shape and its step loop; what each step runs (the ledger
 * lookup, the COPY transaction, the manifest files they read) comes from a {@link LoadStepRunner} that the
 * runtime provides (src/ingest/load-steps.ts), so the engine stays free of S3 and of the ingest module.
 */
import { EngineError } from '../errors';
import type { Manifest } from '../manifest';
import type { ResultSet, StatementDescription } from '../warehouse/warehouse';
import { throughEphemeral } from './plan-run';
import type { RunNode, RunState } from './run-state';

/** One landed object, as the S3 event described it. */
export interface LoadObject {
  bucket: string;
  key: string;
  etag?: string;
  versionId?: string;
  size?: number;
}

/** Objects to COPY into one source table (one route), in this run. */
export interface LoadRequest {
  /** The source's manifest unique id (`source.<project>.<source>.<table>`). */
  sourceId: string;
  objects: LoadObject[];
}

/** An object whose COPY failed on its own: set aside (the load ledger's quarantine), never retried by itself. */
export interface QuarantinedObject extends LoadObject {
  /** The warehouse's error text for the object's COPY. */
  error: string;
  /** 1-based line (record) and column of the first problem in the object, when landfall could place it. */
  line?: number;
  column?: number;
}

/** What a load node carries in the run state, and what it found. */
export interface LoadNodeState extends LoadRequest {
  /** Objects this run loaded (set when the node ends). */
  loaded?: number;
  /** Objects skipped because the load ledger already holds their version (a re-delivery, a replay). */
  alreadyLoaded?: number;
  /** The batch's COPY failed: its objects are loaded one at a time (runner-owned progress through them). */
  isolating?: { objects: LoadObject[]; next: number; loaded: number };
  /** Objects set aside because their own COPY failed; the node still succeeds with the others. */
  quarantined?: QuarantinedObject[];
}

/**
 * Runs the steps of a load node. Step `n` is asked for once the previous one finished, with the rows of its last
 * statement; it may write the files its statements read (idempotently: a retried step writes the same files).
 */
export interface LoadStepRunner {
  /** The statements of step `step`, or null when the load is complete (`node.load` then says what was loaded). */
  statements(node: RunNode & { load: LoadNodeState }, state: RunState, step: number, previous?: ResultSet): Promise<string[] | null>;
  /**
   * Step `step` failed with `error`: the statements of the step that recovers (e.g. load the batch's objects one by
   * one, set a bad one aside), or null to fail the node. Absent: a failed step fails the node.
   */
  recover?(node: RunNode & { load: LoadNodeState }, state: RunState, step: number, error: string): Promise<string[] | null>;
}

export const loadNodeId = (sourceId: string) => `load:${sourceId}`;

/**
 * The run's load nodes, and the dependencies that make every node reading a loaded source (directly or through
 * ephemeral models), and the source's own tests, wait for its load.
 */
export function withLoadNodes(manifest: Manifest, nodes: RunNode[], loads: readonly LoadRequest[]): RunNode[] {
  const bySource = new Map<string, LoadObject[]>();
  for (const load of loads) {
    if (!manifest.sources[load.sourceId]) throw new Error(`load for ${load.sourceId}: no such source in the compiled project`);
    if (load.objects.length) bySource.set(load.sourceId, [...(bySource.get(load.sourceId) ?? []), ...load.objects]);
  }
  if (bySource.size === 0) return nodes;
  const loadNodes: RunNode[] = [...bySource].sort(([a], [b]) => a.localeCompare(b)).map(([sourceId, objects]) => ({
    id: loadNodeId(sourceId),
    kind: 'load',
    name: `load.${manifest.sources[sourceId]!.sourceName}.${manifest.sources[sourceId]!.name}`,
    dependsOn: [],
    status: 'pending',
    load: { sourceId, objects },
  }));
  for (const node of nodes) {
    const parents = node.kind === 'tests'
      ? [node.id.slice('tests:'.length)]
      : throughEphemeral(manifest, (manifest.models[node.id] ?? manifest.seeds[node.id])?.dependsOn ?? []);
    for (const parent of parents) if (bySource.has(parent)) node.dependsOn = [...new Set([...node.dependsOn, loadNodeId(parent)])];
  }
  return [...loadNodes, ...nodes];
}

/** The piece of the scheduler a load node needs: the runner, and a submit that carries the step's client token. */
export interface LoadStepContext {
  loads?: LoadStepRunner;
  submit: (sqls: string[]) => Promise<string>;
  fetchLastRows: (description: StatementDescription) => Promise<ResultSet | undefined>;
}

/**
 * Starts a load node (its step 0), or moves it on when its statement finished: the next step is submitted,
 * or the node ends `success` when the runner has nothing more to run. The caller handles FAILED statements.
 */
export async function advanceLoadNode(node: RunNode, state: RunState, ctx: LoadStepContext, finished?: StatementDescription): Promise<void> {
  if (!ctx.loads) throw new EngineError(`${node.name}: this runtime has no load runner configured (S3 loads need the ingest adapters)`);
  if (!node.load) throw new EngineError(`run node ${node.id} is a load without objects`);
  const step = finished ? (node.step ?? 0) + 1 : 0;
  const previous = finished?.hasResultSet || finished?.subStatements?.at(-1)?.hasResultSet ? await ctx.fetchLastRows(finished) : undefined;
  const sqls = await ctx.loads.statements(node as RunNode & { load: LoadNodeState }, state, step, previous);
  if (sqls === null) {
    node.status = 'success';
    node.rows = node.load.loaded ?? 0;
    return;
  }
  node.step = step;
  node.statementId = await ctx.submit(sqls);
}

/**
 * A load node's statement failed: the runner may recover (its next step is submitted, true) or not (false: the
 * caller fails the node). A poison object thus costs one object, not the batch and everything downstream.
 */
export async function recoverLoadNode(node: RunNode, state: RunState, ctx: LoadStepContext, failed: StatementDescription): Promise<boolean> {
  if (!ctx.loads?.recover || !node.load) return false;
  const step = (node.step ?? 0) + 1;
  const error = failed.error ?? `statement ${failed.status.toLowerCase()}`;
  const sqls = await ctx.loads.recover(node as RunNode & { load: LoadNodeState }, state, node.step ?? 0, error);
  if (sqls === null) return false;
  node.step = step;
  node.statementId = await ctx.submit(sqls);
  return true;
}
