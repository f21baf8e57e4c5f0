/** EndFailedRun task: fail the execution (so Redrive restarts here), or replan the run when it was redriven (LockRun and AdvanceRun go on). */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsManifest } from '../src/runtime/aws-manifest';
import { awsRunHistory, awsRunStates, awsStatementSlots } from '../src/runtime/aws-run-states';
import { runSettings } from '../src/runtime/run-settings';
import { awsWarehouse } from '../src/runtime/aws-warehouse';
import { endFailedRun, type EndFailedRunEvent } from '../src/runtime/end-failed-run';

// The run metric is an Embedded Metric Format line on stdout, which only CloudWatch Logs (in Lambda) turns into a metric.
const emitMetric = (line: string) => {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) process.stdout.write(`${line}\n`);
};

// A failed or crashed run gives its statement slots back here (src/runtime/statement-slots.ts) and cancels its statements
// still running before its locks go (src/runtime/cancel-statements-in-flight.ts): it runs as DataApiFunctionsRole, the
// role that submitted them (the Data API lets only the submitting role cancel).
export const handler = taskHandler(async (event: EndFailedRunEvent) => {
  const manifest = awsManifest();
  return endFailedRun(event, { manifest, ...runSettings(), runStates: awsRunStates(), history: awsRunHistory(), statementSlots: awsStatementSlots(manifest), warehouse: warehouseIfConfigured() }, emitMetric);
});

/** A missing warehouse setting must not change how the run ends: its statements are then left to finish (logged). */
function warehouseIfConfigured() {
  try {
    return awsWarehouse();
  } catch (failure) {
    console.error(`cancel in flight: no warehouse client, the run's statements were not cancelled: ${(failure as Error).message}`);
    return undefined;
  }
}
