/** EndFailedRun task: fail the execution (so Redrive restarts here), or resume the run when it was redriven. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsRunHistory, awsRunStates } from '../src/runtime/aws-run-states';
import { awsWarehouseTask } from '../src/runtime/aws-warehouse';
import { runLocksFromEnvironment } from '../src/runtime/run-locks-aws';
import { runSettings } from '../src/runtime/run-settings';
import { endFailedRun, type EndFailedRunEvent } from '../src/runtime/end-failed-run';

// The run metric is an Embedded Metric Format line on stdout, which only CloudWatch Logs (in Lambda) turns into a metric.
const emitMetric = (line: string) => {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) process.stdout.write(`${line}\n`);
};

export const handler = taskHandler(async (event: EndFailedRunEvent) => endFailedRun(event, { ...awsWarehouseTask(), ...runSettings(), runStates: awsRunStates(), history: awsRunHistory(), locks: runLocksFromEnvironment() }, emitMetric));
