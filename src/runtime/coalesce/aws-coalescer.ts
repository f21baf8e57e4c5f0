/**
 * The AWS adapters of the lease coalescer, built once per Lambda container from the environment:
 * the lease in DynamoDB (`LANDFALL_LEASE_TABLE`), the window timer as a delayed message on a standard SQS
 * queue (`LANDFALL_WINDOW_QUEUE_URL`), and batches started on the transform state machine
 * (`LANDFALL_TRANSFORM_STATE_MACHINE_ARN`); their S3 objects are loaded by that run (load nodes), not here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DataArrivedEventSchema } from '../../events/arrival';
import { required } from '../environment';
import { loadCompiledManifest } from '../compiled-project';
import type { CoalescedBatch } from './coalescer';
import { arrivalSchedulingOf } from './arrival-settings';
import { DynamoDbLeaseStore } from './dynamodb-lease-store';
import {
  acceptArrivals, checkWindow, type CoalescerStep, type LeaseCoalescerOptions, type ReceivedArrival, type RunStatus, type StartOutcome,
} from './lease-coalescer';

/** The body of the delayed message that says "the window may have closed". */
export const WINDOW_CHECK_BODY = JSON.stringify({ landfall: 'coalescing-window-check' });
/** SQS's longest message delay. A window longer than this is checked every 15 minutes until it closes. */
const MAX_DELAY_SECONDS = 900;

/** One SQS record as the event source mapping delivers it (the fields used here). */
export interface SqsRecord {
  messageId: string;
  body: string;
  attributes: { SentTimestamp?: string };
}

let cached: LeaseCoalescerOptions | undefined;

/**
 * @example
 * const options = awsCoalescerOptions(); // reads LANDFALL_LEASE_TABLE, LANDFALL_WINDOW_QUEUE_URL, …
 */
export function awsCoalescerOptions(): LeaseCoalescerOptions {
  if (cached) return cached;
  const sfn = new SFNClient({});
  const sqs = new SQSClient({});
  const stateMachineArn = required('LANDFALL_TRANSFORM_STATE_MACHINE_ARN');
  const windowQueueUrl = required('LANDFALL_WINDOW_QUEUE_URL');
  const manifest = loadCompiledManifest();
  const { concurrency, maxConcurrentRuns } = arrivalSchedulingOf(manifest);
  cached = {
    store: new DynamoDbLeaseStore(new DynamoDBClient({}), required('LANDFALL_LEASE_TABLE')),
    manifest,
    concurrency,
    maxConcurrentRuns,
    windowMs: Number(process.env.LANDFALL_COALESCE_WINDOW_SECONDS ?? '60') * 1000,
    leaseTimeoutMs: Number(process.env.LANDFALL_LEASE_TIMEOUT_SECONDS ?? String(6 * 3600)) * 1000,
    activeRunCheckAfterMs: Number(process.env.LANDFALL_ACTIVE_RUN_CHECK_SECONDS ?? '180') * 1000,
    describeRun: (name) => describeExecutionStatus(sfn, executionArnOf(stateMachineArn, name)),
    startBatch: (batch: CoalescedBatch) => startExecutionOnce(sfn, stateMachineArn, batch),
    wakeAfter: async (delayMs: number) => {
      const DelaySeconds = Math.min(MAX_DELAY_SECONDS, Math.ceil(delayMs / 1000));
      await sqs.send(new SendMessageCommand({ QueueUrl: windowQueueUrl, MessageBody: WINDOW_CHECK_BODY, DelaySeconds }));
    },
  };
  return cached;
}

/** `arn:aws:states:<region>:<account>:execution:<state machine name>:<execution name>` from the state machine's ARN. */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/**
 * DescribeExecution's status as the coalescer needs it. RUNNING is running; SUCCEEDED, FAILED, TIMED_OUT, ABORTED
 * and PENDING_REDRIVE are closed (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html).
 */
export async function describeExecutionStatus(sfn: SFNClient, executionArn: string): Promise<RunStatus> {
  try {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return status === 'RUNNING' ? 'running' : 'closed';
  } catch (error) {
    if (error instanceof ExecutionDoesNotExist) return 'unknown';
    throw error;
  }
}

/**
 * StartExecution under the batch's name. `ExecutionAlreadyExists` means this batch was started before (the name
 * hashes the window and its arrivals): Standard workflows answer a repeated start of a RUNNING execution with the
 * same name and input as a success, and refuse it once the execution has closed
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html), so the conflict is
 * resolved by asking for the execution's real status rather than assuming it still runs.
 */
export async function startExecutionOnce(sfn: SFNClient, stateMachineArn: string, batch: CoalescedBatch): Promise<StartOutcome> {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: batch.name, input: JSON.stringify(batch.executionInput) }));
    return 'started';
  } catch (error) {
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    return (await describeExecutionStatus(sfn, executionArnOf(stateMachineArn, batch.name))) === 'running' ? 'running' : 'closed';
  }
}

/**
 * One invocation of the consumer: Data Arrived messages from the FIFO buffer and window checks from the
 * window queue. A body that is neither is reported as a batch item failure (it goes to the DLQ after its
 * retries); everything else is acknowledged once it is in the lease record.
 *
 * @example
 * const { batchItemFailures } = await coalesceSqsRecords(event.Records, awsCoalescerOptions());
 */
export async function coalesceSqsRecords(records: readonly SqsRecord[], options: LeaseCoalescerOptions): Promise<CoalescerStep & { batchItemFailures: { itemIdentifier: string }[] }> {
  const arrivals: ReceivedArrival[] = [];
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of records) {
    if (record.body === WINDOW_CHECK_BODY) continue;
    let parsed: ReturnType<typeof DataArrivedEventSchema.safeParse> | undefined;
    try {
      parsed = DataArrivedEventSchema.safeParse(JSON.parse(record.body));
    } catch {
      parsed = undefined;
    }
    if (parsed?.success) arrivals.push({ event: parsed.data, receivedAt: Number(record.attributes.SentTimestamp ?? Date.now()) });
    else batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  const step = arrivals.length > 0 ? await acceptArrivals(arrivals, options) : await checkWindow(options);
  return { ...step, batchItemFailures };
}
