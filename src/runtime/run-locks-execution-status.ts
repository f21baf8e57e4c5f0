/**
 * Whether a lock's owner execution can still build: `DescribeExecution` with the AWS SDK (the local Step
 * Functions endpoint answers the same call). RUNNING is live; SUCCEEDED, FAILED, TIMED_OUT, ABORTED and
 * PENDING_REDRIVE are closed (a redrive makes the same ARN RUNNING again, and its re-plan re-acquires the locks
 * it lost); `ExecutionDoesNotExist` is unknown, i.e. free. An owner that is not an execution ARN (a process)
 * cannot be asked: it counts as running until its lock expires.
 * Statuses: https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
 * Needs `states:DescribeExecution` on the state machines' executions.
 */
import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatusReader, OwnerStatus } from './run-locks';

const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;

/**
 * @example
 * const executions = new SfnExecutionStatusReader(new SFNClient({}));
 * await executions.statusOf('arn:aws:states:us-east-1:123456789012:execution:transform:arrivals-…'); // 'running'
 */
export class SfnExecutionStatusReader implements ExecutionStatusReader {
  constructor(private readonly sfn: SFNClient) {}

  async statusOf(ownerId: string): Promise<OwnerStatus> {
    return (await this.describe(ownerId)).status;
  }

  async describe(ownerId: string): Promise<{ status: OwnerStatus; redriveCount: number }> {
    if (!EXECUTION_ARN.test(ownerId)) return { status: 'running', redriveCount: 0 };
    try {
      const { status, redriveCount } = await this.sfn.send(new DescribeExecutionCommand({ executionArn: ownerId }));
      return { status: status === 'RUNNING' ? 'running' : 'closed', redriveCount: redriveCount ?? 0 };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return { status: 'unknown', redriveCount: 0 };
      throw error;
    }
  }
}
