/**
 * The run locks as the functions build them from the environment: the DynamoDB table `LANDFALL_RUN_LOCK_TABLE`
 * and Step Functions' DescribeExecution for the owners' status. Without the variable there are no locks
 * (a warning says so once): deployments must set it (serverless.yml), tests that need none leave it unset.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { RunLocks } from './run-locks';
import { DynamoDbRunLockStore } from './run-locks-dynamodb';
import { SfnExecutionStatusReader } from './run-locks-execution-status';

let cached: { key: string; locks: RunLocks } | undefined;
let warned = false;

/**
 * @example
 * const locks = runLocksFromEnvironment(); // undefined when LANDFALL_RUN_LOCK_TABLE is not set
 */
export function runLocksFromEnvironment(): RunLocks | undefined {
  const table = process.env.LANDFALL_RUN_LOCK_TABLE;
  if (!table) {
    if (!warned) console.warn('LANDFALL_RUN_LOCK_TABLE is not set: runs take no locks and may build the same model at once');
    warned = true;
    return undefined;
  }
  // Keyed by the endpoints too: the local stack points the SDK at new ports when it restarts in one process.
  const key = [table, process.env.AWS_ENDPOINT_URL_DYNAMODB, process.env.AWS_ENDPOINT_URL_SFN].join('\n');
  if (cached?.key !== key) {
    const ttlSeconds = Number(process.env.LANDFALL_RUN_LOCK_TTL_SECONDS ?? String(25 * 3600));
    cached = {
      key,
      locks: new RunLocks({ store: new DynamoDbRunLockStore(new DynamoDBClient({}), table), executions: new SfnExecutionStatusReader(new SFNClient({})), ttlMs: ttlSeconds * 1000 }),
    };
  }
  return cached.locks;
}
