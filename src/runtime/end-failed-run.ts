/**
 * EndFailedRun: the last state of every run that failed or crashed. It is a Task that throws — not a Fail
 * state — because a console **Redrive** restarts an execution at its unsuccessful state: a Fail state would
 * fail again at once, this task instead sees `$$.Execution.RedriveCount` above the count the run state was
 * planned for and resumes the run: the failed, skipped and unfinished nodes are planned again with a new
 * attempt (new client tokens), and the execution goes back through LockRun (the locks of those nodes) to
 * AdvanceRun, which takes a fresh catalog snapshot and submits the first ready nodes. What passed is not rebuilt.
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html ("continues the failed
 * execution from the unsuccessful step"; allowed for 14 days; the run state bucket keeps objects 21 days).
 *
 * "New execution" with the same input is a new name, so a new run state: the full replay.
 */
import { replanUnfinished } from '../engine';
import { runMetricLine } from './run-metrics';
import { RunStateNotFoundError, type RunStatePointer } from './run-state-store';
import { recordRunHistory } from './run-history-store';
import type { StatementSlots } from './statement-slots';
import { cancelStatementsInFlight } from './cancel-statements-in-flight';
import type { Warehouse } from '../engine/warehouse/warehouse';
import { loadRun, saveRun, startTransformRun, type PlanRunDependencies, type TransformRunPayload } from './transform-run';

/** The context object's `Execution` (`$$.Execution`). RedriveCount is absent before the first redrive in some tools. */
export interface ExecutionContextObject {
  Id: string;
  Name: string;
  StartTime?: string;
  Input?: unknown;
  RedriveCount?: number;
}

/** What a Catch adds to the state's input (ResultPath `$.crash`), and the Pass state naming where it happened. */
export interface CrashInfo {
  crash?: { Error?: string; Cause?: string };
  crashedIn?: string;
}

export interface EndFailedRunEvent {
  payload: Partial<TransformRunPayload> & CrashInfo & Record<string, unknown>;
  execution: ExecutionContextObject;
}

/** Ends the execution FAILED with a message that says what happened and how to resume. */
export class RunFailedError extends Error {
  constructor(message: string, readonly crashed: boolean) {
    super(message);
    // The States error name the execution ends with (Lambda reports the error's name as its type).
    this.name = crashed ? 'landfall.RunCrashed' : 'landfall.RunFailed';
  }
}

const HOW_TO_RESUME = 'Redrive this execution (console: Redrive) to rebuild only the failed, skipped and unfinished nodes within 14 days, '
  + 'or start a new execution with the same input to replay the whole run.';

/**
 * @example
 * await endFailedRun({ payload, execution: { Id: arn, Name: name, RedriveCount: 1 } }, deps); // resumed payload
 */
export async function endFailedRun(event: EndFailedRunEvent, deps: PlanRunDependencies & { statementSlots?: StatementSlots; warehouse?: Warehouse }, emitMetric: (emfLine: string) => void = () => undefined): Promise<TransformRunPayload> {
  const { payload, execution } = event;
  const redriveCount = execution.RedriveCount ?? 0;
  const pointer = payload.state ?? deps.runStates.pointerFor(execution.Name);

  if (redriveCount > (payload.redriveCount ?? 0)) {
    const loaded = await loadRun({ state: pointer, iterations: payload.iterations ?? 0, waitSeconds: 0 }, deps).catch((error: unknown) => {
      if (error instanceof RunStateNotFoundError) return undefined;
      throw error;
    });
    // Redriven, and PlanRun crashed before anything was stored: plan the whole run from the input.
    if (!loaded) {
      return startTransformRun(execution.Input, { arn: execution.Id, name: execution.Name, startTime: execution.StartTime, redriveCount }, deps);
    }
    // This task already resumed for this redrive and was retried: carry on from what it stored.
    if (loaded.stored.redriveCount >= redriveCount) return saveRun(loaded, loaded.run, deps, pointer);
    const { state: run, replanned } = replanUnfinished(loaded.run);
    // The run's locks were released when the execution closed: LockRun takes them again for what will be rebuilt (the
    // replanned nodes are the pending ones), then the first AdvanceRun takes a fresh catalog snapshot and submits.
    return saveRun({ stored: { ...loaded.stored, redriveCount, ...(replanned.length > 0 && { unprepared: true as const }) } }, run, deps, pointer);
  }

  const crashed = payload.crash !== undefined;
  // The run's locks go when the execution closes: its statements still running are cancelled first, so the next run
  // never builds a model this one is still building (best effort, bounded: the run still ends FAILED with its alert).
  if (deps.warehouse) await cancelStatementsInFlight(pointer, payload.iterations ?? 0, { ...deps, warehouse: deps.warehouse });
  // A failed or crashed run's statement slots go back now, not after the ledger's 15-minute staleness (statement-slots.ts).
  await releaseSlots(deps.statementSlots, execution.Name);
  emitMetric(runMetricLine(crashed ? 'RunsCrashed' : 'RunsFailed', execution.Id));
  if (crashed) {
    const where = payload.crashedIn ?? 'a task';
    await recordCrashedRun(pointer, `${where}: ${payload.crash?.Error ?? 'unknown error'}`, deps);
    throw new RunFailedError(`The run crashed in ${where}: ${payload.crash?.Error ?? 'unknown error'}: ${(payload.crash?.Cause ?? '').slice(0, 2000)}. ${HOW_TO_RESUME}`, true);
  }
  const counts = payload.counts;
  const summary = counts ? `${counts.failed} node(s) failed and ${counts.skipped} were skipped (the alert email lists them)` : 'models or tests failed (the alert email lists them)';
  throw new RunFailedError(`${summary}. ${HOW_TO_RESUME}`, false);
}

/** Best effort: the execution must still end failed whatever S3 answers (the ledger's staleness frees them later). */
async function releaseSlots(slots: StatementSlots | undefined, runId: string): Promise<void> {
  try {
    await slots?.release(runId);
  } catch (failure) {
    console.error(`statement slots: the failed run's slots were not released: ${(failure as Error).message}`);
  }
}

/**
 * A crashed run never reached done, so no task recorded it: record what it got to, marked crashed. Best effort:
 * the execution must still end with RunCrashed (and a redrive finds the state), whatever S3 answers.
 */
async function recordCrashedRun(pointer: RunStatePointer, error: string, deps: PlanRunDependencies): Promise<void> {
  if (!deps.history) return;
  try {
    const loaded = await loadRun({ state: pointer, iterations: 0, waitSeconds: 0 }, deps);
    await recordRunHistory(deps.history, { manifest: deps.manifest, run: loaded.run, execution: loaded.stored.execution, trigger: loaded.stored.trigger, crashed: { error } });
  } catch (failure) {
    console.error(`run history: the crashed run was not recorded: ${(failure as Error).message}`);
  }
}
