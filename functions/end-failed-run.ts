/** EndFailedRun task: fail the execution (so Redrive restarts here), or resume the run when it was redriven. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { endFailedRun, type EndFailedRunEvent } from '../src/runtime/end-failed-run';

export const handler = taskHandler(async (event: EndFailedRunEvent) => endFailedRun(event, awsDependencies()));
