/**
 * RecordRun: the Task after a run is done (IsRunPlanned or IsRunDone, state-machines/transform-run.asl.json) keeps its
 * results in the run history (run-history-store.ts: run_results.json, the manifest it ran, the index entry, the docs
 * site's run page, the run's freshness lag). A Task of its own so that neither PlanRun nor AdvanceRun, which see a run
 * end, carries the artifact writers (~34 KiB of AdvanceRun's bundle, bench/RESULTS-lambda-bundles.md). A retried
 * RecordRun writes the same keys again (they come from the run's own times). EndFailedRun still records a run that
 * crashed before it was done.
 */
import { durationsOfRun, type ModelDurationStore } from './model-durations';
import { recordRunHistory, type RunHistoryStore } from './run-history-store';
import { loadRun, type RunDependencies, type TransformRunPayload } from './transform-run';

export type RecordRunDependencies = Pick<RunDependencies, 'manifest' | 'runStates'> & { history?: RunHistoryStore; modelDurations?: ModelDurationStore };

/** Writes the run history of the done run the payload points at; refuses a run that is not done (a miswired state). */
export async function recordTransformRun(payload: TransformRunPayload, deps: RecordRunDependencies): Promise<void> {
  if (!payload.done) throw new Error(`RecordRun: execution ${payload.execution.name} is not done (${payload.counts.running} running): only IsRunPlanned and IsRunDone's done branches lead here`);
  if (!deps.history) return;
  const { stored, run } = await loadRun(payload, deps);
  await recordRunHistory(deps.history, { manifest: deps.manifest, run, execution: stored.execution, trigger: stored.trigger });
  // What each model took, for the next run that builds it (model-durations.ts): a hint, never the run's failure.
  await deps.modelDurations?.merge(durationsOfRun(run)).catch((error: Error) => console.warn(`RecordRun: model durations not kept: ${error.message}`));
}
