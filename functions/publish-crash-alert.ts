/** PublishCrashAlert task: email that the run crashed, where, and how to resume it. Needs no warehouse. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsAlertTopic } from '../src/runtime/aws-alert-topic';
import { awsRunStates } from '../src/runtime/aws-run-states';
import { compiledProjectName } from '../src/runtime/project-name';
import { publishCrashAlert, type CrashAlertEvent } from '../src/runtime/publish-crash-alert';

export const handler = taskHandler(async (event: CrashAlertEvent) => {
  return publishCrashAlert(event, { ...awsAlertTopic(), runStates: awsRunStates(), project: compiledProjectName(), replayHint: (name) => `npx landfall replay ${name}` });
});
