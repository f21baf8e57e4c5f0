/**
 * The transform run as the state machine drives it: three core functions, one per Task state.
 * Handlers in `functions/` only parse, call these, and return.
 *
 *   PlanRun      → startTransformRun: parse the input, route the arrival, plan, snapshot, first submits
 *   AdvanceRun   → advanceTransformRun: poll + submit until nothing finishes within the settle window
 *   PublishAlert → publishRunAlert: compose the failure email (with sample rows) and publish it
 */
import { advanceRun, planRun, prepareRun, summarizeRun, type Manifest, type RunEvent, type RunState } from '../engine';
import type { Dialect } from '../engine/dialects';
import type { Warehouse } from '../warehouse/warehouse';
import { routeArrival } from './routing';
import { parseRunInput } from './run-input';
import type { RunLocks } from './run-locks';

export interface RunDependencies {
  manifest: Manifest;
  dialect: Dialect;
  warehouse: Warehouse;
  /** Per-model run locks (run-locks.ts); none when the deployment has no lock table. */
  locks?: RunLocks;
  onEvent?: (event: RunEvent) => void;
  /** How long AdvanceRun keeps polling for statements that finish quickly before yielding to a Wait state. */
  settleMs?: number;
}

export interface RunTrigger {
  kind: 'arrival' | 'manual';
  loader: string;
  /** Connector, task or bucket/key that delivered the data. */
  connector?: string;
  arrivalId?: string;
  arrivedAt: string;
  description: string;
  routedSources: string[];
}

/** The payload that travels between states: ids and statuses only, never SQL. */
export interface TransformRunPayload {
  execution: { arn: string; name: string };
  trigger: RunTrigger;
  run: RunState;
  /** Copied to the top for the Choice and Wait states. */
  done: boolean;
  failed: boolean;
  waitSeconds: number;
}

export interface ExecutionContext {
  arn: string;
  name: string;
  startTime?: string;
}

function withFlags(payload: Omit<TransformRunPayload, 'done' | 'failed' | 'waitSeconds'>): TransformRunPayload {
  return {
    ...payload,
    done: payload.run.done,
    failed: summarizeRun(payload.run).failed,
    waitSeconds: Math.max(1, payload.run.waitSeconds),
  };
}

/** PlanRun: from the execution input to a planned, prepared and started run. */
export async function startTransformRun(input: unknown, execution: ExecutionContext, deps: RunDependencies): Promise<TransformRunPayload> {
  const parsed = parseRunInput(input);
  const startedAt = execution.startTime ?? new Date().toISOString();
  let trigger: RunTrigger;
  let request;
  if (parsed.kind === 'arrival') {
    const detail = parsed.event.detail;
    const routes = routeArrival(deps.manifest, detail);
    const connector = detail.loader === 'fivetran' ? detail.connector.connectorId
      : detail.loader === 'dms' ? detail.connector.taskArn : `s3://${detail.connector.bucket}/${detail.connector.key}`;
    trigger = {
      kind: 'arrival',
      loader: detail.loader,
      connector,
      arrivalId: detail.arrivalId,
      arrivedAt: detail.arrivedAt,
      description: `${detail.loader} arrival ${detail.arrivalId}`,
      routedSources: routes.map((r) => r.sourceId),
    };
    request = { command: 'build' as const, select: routes.map((r) => r.selector), exclude: [], fullRefresh: false, vars: {} };
  } else {
    const r = parsed.request;
    trigger = {
      kind: 'manual',
      loader: 'manual',
      arrivedAt: startedAt,
      description: r.reason ?? `manual ${r.command}${r.select.length ? ` --select ${r.select.join(' ')}` : ''}`,
      routedSources: [],
    };
    request = r;
  }
  // An arrival no source is routed to builds nothing (it would otherwise select the whole project).
  const nothingRouted = parsed.kind === 'arrival' && request.select.length === 0;
  let run = planRun(deps.manifest, {
    runId: execution.name,
    command: request.command,
    select: nothingRouted ? ['resource_type:none'] : request.select,
    exclude: request.exclude,
    fullRefresh: request.fullRefresh,
    vars: request.vars,
    startedAt,
  });
  if (!run.done) {
    // Per-model locks before touching the warehouse: throws RunLockedError (retried by the state machine) while
    // a live execution builds one of these models (run-locks.ts, docs/arrivals.md).
    await deps.locks?.acquireFor(run, execution);
    run = await prepareRun(run, deps);
    run = await advanceRun(run, deps);
  }
  return withFlags({ execution: { arn: execution.arn, name: execution.name }, trigger, run });
}

/** AdvanceRun: one scheduler step, repeated while statements finish within the settle window. */
export async function advanceTransformRun(payload: TransformRunPayload, deps: RunDependencies): Promise<TransformRunPayload> {
  const settleUntil = Date.now() + (deps.settleMs ?? 0);
  let run = await advanceRun(payload.run, deps);
  let pause = 100;
  while (!run.done && Date.now() + pause < settleUntil) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 2000);
    run = await advanceRun(run, deps);
  }
  return withFlags({ ...payload, run });
}
