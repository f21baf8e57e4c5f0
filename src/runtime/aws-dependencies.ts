/**
 * Every production adapter at once, for the CLI and tests that drive the functions' cores in-process. The
 * functions themselves import only the small factories they use (aws-warehouse.ts, aws-run-states.ts,
 * aws-alert-topic.ts, run-locks-aws.ts), so a handler's bundle carries only its own SDK clients. Locally the
 * CLI sets the same variables (endpoints pointing at the local stack) before the first handler runs, so nothing
 * here knows whether it runs in AWS.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { awsAlertTopic } from './aws-alert-topic';
import { awsLoadSteps, awsRunHistory, awsRunStates } from './aws-run-states';
import { awsWarehouseTask } from './aws-warehouse';
import { required, resetBuiltAdapters } from './environment';
import type { AlertBudget } from './publish-alert';
import { runLocksFromEnvironment } from './run-locks-aws';
import { runSettings } from './run-settings';
import type { RunDependencies } from './transform-run';

type AwsDependencies = RunDependencies & AlertBudget & { sns: SNSClient; topicArn: string; region: string };

export function awsDependencies(): AwsDependencies {
  return { ...awsWarehouseTask(), ...awsAlertTopic(), ...runSettings(), runStates: awsRunStates(), loads: awsLoadSteps(), history: awsRunHistory(), locks: runLocksFromEnvironment() };
}

/** Forget built adapters (the local runtime calls this after changing the environment). */
export function resetAwsDependencies(): void {
  resetBuiltAdapters();
}

export { required };
