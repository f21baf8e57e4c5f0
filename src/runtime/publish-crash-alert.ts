/**
 * PublishCrashAlert: every Task's `Catch: [States.ALL]` ends here (through a Pass state naming the task), so a
 * crash — a Lambda timeout or out-of-memory, AccessDenied, an unreachable warehouse — emails the team instead
 * of ending the execution silently. It needs no warehouse: the progress comes from the run state, when readable.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { composeCrashAlert } from '../alerts';
import { alertAttributes } from '../alerts/alert-subscriptions';
import type { CrashInfo } from './end-failed-run';
import type { RunStateStore } from './run-state-store';
import { loadRun, type TransformRunPayload } from './transform-run';

export interface CrashAlertEvent {
  payload: Partial<TransformRunPayload> & CrashInfo & Record<string, unknown>;
  execution: { Id: string; Name: string };
}

export interface CrashAlertDependencies {
  runStates: RunStateStore;
  sns: SNSClient;
  topicArn: string;
  region: string;
  project?: string;
  replayHint?: (executionName: string) => string | undefined;
}

export async function publishCrashAlert(event: CrashAlertEvent, deps: CrashAlertDependencies): Promise<{ subject: string; messageId?: string }> {
  const { payload, execution } = event;
  let progress;
  if (payload.state) {
    try {
      const { run } = await loadRun({ state: payload.state, iterations: 0, waitSeconds: 0 }, deps);
      const count = (...statuses: string[]) => run.nodes.filter((n) => statuses.includes(n.status)).length;
      progress = { nodes: run.nodes.length, finished: run.nodes.length - count('pending', 'running'), failed: count('error', 'fail'), skipped: count('skipped'), running: count('running') };
    } catch {
      // The email matters more than the progress line.
    }
  }
  const email = composeCrashAlert({
    project: deps.project,
    executionArn: execution.Id,
    executionName: execution.Name,
    region: deps.region,
    state: payload.crashedIn ?? 'a task',
    error: payload.crash?.Error ?? 'unknown error',
    cause: payload.crash?.Cause,
    progress,
    replayHint: deps.replayHint?.(execution.Name),
  });
  const result = await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, Subject: email.subject, Message: email.body, MessageAttributes: alertAttributes({ audience: 'all', kind: 'crash', project: deps.project ?? 'landfall', severity: 'error' }) }));
  return { subject: email.subject, messageId: result.MessageId };
}
