/** PublishCrashAlert task: email that the run crashed, where, and how to resume it. Needs no warehouse. */
import { taskHandler } from '../src/runtime/lambda/middleware';
import { awsDependencies } from '../src/runtime/aws-dependencies';
import { publishCrashAlert, type CrashAlertEvent } from '../src/runtime/publish-crash-alert';

export const handler = taskHandler(async (event: CrashAlertEvent) => {
  const deps = awsDependencies();
  return publishCrashAlert(event, { ...deps, project: deps.manifest.projectName, replayHint: (name) => `npx landfall replay ${name}` });
});
