/**
 * PublishCrashAlert: every Task's `Catch: [States.ALL]` ends here (through a Pass state naming the task), so a
 * crash — a Lambda timeout or out-of-memory, AccessDenied, an unreachable warehouse — emails the team instead
 * of ending the execution silently. It needs no warehouse: the progress comes from the run state, when readable.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import { composeCrashAlert } from '../alerts';
import type { IncidentStore } from '../incidents/incident-store';
import { announceIncident, CRASH_INCIDENT_KEY } from './announce-incident';
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
  /** Default: the table in LANDFALL_INCIDENT_TABLE. */
  incidents?: IncidentStore;
  now?: () => Date;
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
  // A crash is an incident (src/incidents): the first one is emailed in full, repeats wait for the daily reminder,
  // and the next run that completes resolves it.
  return announceIncident({
    key: CRASH_INCIDENT_KEY, kind: 'run', name: `transform runs crash (last in ${payload.crashedIn ?? 'a task'})`, failing: true, severity: 'error',
    detail: `${payload.crash?.Error ?? 'unknown error'}; execution ${execution.Name}`, owners: [], tags: [],
  }, email, 'crash', { ...deps, project: deps.project ?? 'landfall' });
}
