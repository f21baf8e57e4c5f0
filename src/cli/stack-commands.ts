/**
 * Commands that use the local AWS stack: `serve`, `send-event`, `executions`, `replay`.
 * `serve` writes its endpoints to `<state-dir>/endpoints.json`; the other commands use a running
 * `serve` when there is one, and otherwise start the stack in-process for the one command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { StartExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { formatTextTable } from '../alerts/text-table';
import { signFivetranBody } from '../events/fivetran';
import { listStoredExecutions, type StoredExecution } from '../local/aws/execution-store';
import { LOCAL_WEBHOOK_SECRET } from '../local/local-stack';
import { loadCompiledManifest, MANIFEST_FILE } from '../runtime/compiled-project';
import { compileChecks } from '../deploy/compile-checks';
import { localTarget } from '../local/local-warehouse';
import { recompileLine, watchProject } from '../local/project-watcher';
import { connectLocalStepFunctions, endpointsFile, runningServe, startStackForCli } from './cli-local-stack';
import { commonOptions } from './command-context';
import { parseFlags, UsageError } from './options';
import { dmsSchedulesOf, scheduledRunInput } from '../schedules/dms-schedules';
import { startScheduleTimers } from '../schedules/local-schedule-timers';
import { manifestSchedules, projectScheduleInput, targetOf } from '../schedules/project-schedules';
import { terminalSafe } from './terminal-text';
import { awaitNewExecutions, executionNames, executionThatProcessed, reportDelivery, watchExecutions } from './execution-watch';
import { closingLines, findExecution, nodeRows, runCounts, runStateOfExecution } from './execution-summary';
import { readLocalFreshnessLag } from '../freshness-lag/local-history-files';
import { lagReportLines } from '../freshness-lag/lag-report';
import { RUN_STATE_BUCKET } from '../local/local-stack';

/** `--window-seconds N`: the coalescing window (AWS deploys 60 s: LANDFALL_COALESCE_WINDOW_SECONDS); 0 = a run per arrival. */
function windowSecondsOf(value: string | boolean | undefined, flag = '--window-seconds'): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || seconds > 86400) {
    throw new UsageError(`${flag} takes a whole number of seconds from 0 to 86400${flag === '--window-seconds' ? ' (AWS deploys 60)' : ''}, got '${String(value)}'`);
  }
  return seconds;
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { port: { type: 'string' }, 'window-seconds': { type: 'string' }, 'reconcile-seconds': { type: 'string' } });
  const options = commonOptions(values);
  const windowSeconds = windowSecondsOf(values['window-seconds'] as string | undefined);
  const write = (line: string) => process.stdout.write(`${terminalSafe(line)}\n`);
  const stack = await startStackForCli(options, write, values.port ? Number(values.port) : 0, windowSeconds);
  fs.writeFileSync(endpointsFile(options.stateDir), JSON.stringify({ pid: process.pid, ...stack.endpoints }, null, 2));
  write('landfall local stack is running:');
  write(`  Fivetran webhook   POST ${stack.webhookUrl}   (secret: $FIVETRAN_WEBHOOK_SECRET, default '${LOCAL_WEBHOOK_SECRET}')`);
  write(`  Step Functions     ${stack.endpoints.AWS_ENDPOINT_URL_SFN}   (state machine ${stack.transformStateMachineArn})`);
  write(`  EventBridge        ${stack.endpoints.AWS_ENDPOINT_URL_EVENTBRIDGE}   (rules from events/rules/)`);
  write(`  Redshift Data API  ${stack.endpoints.AWS_ENDPOINT_URL_REDSHIFT_DATA}`);
  write(`  SNS outbox         ${stack.sns.outboxDir}`);
  write(`  Coalescing window  ${windowSeconds ?? 0} s${windowSeconds === 60 ? ' (as deployed)' : '   (AWS deploys 60 s: --window-seconds 60)'}`);
  // Full-load-and-CDC DMS schedules (meta.landfall.dms.schedule), as EventBridge Scheduler runs them in AWS.
  const sfn = new SFNClient({});
  const schedules = startScheduleTimers(dmsSchedulesOf(loadCompiledManifest()), async (schedule) => {
    write(`⏰ ${schedule.schedule.expression}: build ${schedule.select.join(' ')}`);
    await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name: `schedule-${Date.now()}`, input: JSON.stringify(scheduledRunInput(schedule)) }));
  }, { onError: (error, schedule) => write(`⏰ ${schedule.schedule.expression} failed to start: ${(error as Error).message}`) });
  for (const [expression, at] of Object.entries(schedules.nextFires())) write(`  Schedule           ${expression}   next ${at?.toISOString() ?? 'never'}`);
  // landfall.yml's schedules (daily build, freshness), as their EventBridge Scheduler schedules start them in AWS.
  const projectTimers = startScheduleTimers(manifestSchedules(loadCompiledManifest()), async (schedule) => {
    const target = targetOf(schedule);
    if (target === 'rotation') {
      write(`⏰ ${schedule.name}: the monthly rotation runs with \`landfall rotate\` locally`);
      return;
    }
    write(`⏰ ${schedule.name}: ${schedule.command} ${schedule.select.join(' ') || '(everything)'}`);
    const stateMachineArn = target === 'freshness' ? stack.freshnessStateMachineArn : stack.transformStateMachineArn;
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `${schedule.name}-${Date.now()}`, input: JSON.stringify(projectScheduleInput(schedule)) }));
  }, { onError: (error, schedule) => write(`⏰ ${schedule.name} failed to start: ${(error as Error).message}`) });
  for (const [name, at] of Object.entries(projectTimers.nextFires())) write(`  Schedule           ${name}   next ${at?.toISOString() ?? 'never'}   (landfall.yml; landfall schedules ls)`);
  write(`State folder       ${path.relative(process.cwd(), options.stateDir) || '.'}   (the warehouse every other command reads; executions, outbox)`);
  // The reconciler (AWS: every 15 minutes on EventBridge Scheduler): missed arrivals started, silent connectors alerted.
  const reconcileSeconds = windowSecondsOf(values['reconcile-seconds'] as string | undefined, '--reconcile-seconds') ?? 900;
  const reconciler = reconcileSeconds > 0 ? setInterval(() => {
    stack.reconcile().then((outcome) => {
      for (const id of outcome.started) write(`🔎 reconciler: missed arrival ${id} started`);
      for (const s of outcome.silent) write(`🔎 reconciler: no data from ${s.id} since ${s.since}`);
    }, (error: Error) => write(`🔎 reconciler failed: ${error.message}`));
  }, reconcileSeconds * 1000) : undefined;
  write(`  Reconciler         every ${reconcileSeconds} s (--reconcile-seconds, 0 = off; Fivetran API ${stack.fivetranApi.url})`);
  write('Try: npx landfall send-event events/samples/fivetran/sync-end-successful.json   (Ctrl-C to stop)');
  // The docs site, rebuilt when a run ends (its run history) or target/ changes (src/cli/docs-site-command.ts), each
  // build in a child process so the stack's endpoints keep answering; prints its URL when the first build is served.
  let docsUrl = '';
  const docsStarting = (require('./docs-site-command') as typeof import('./docs-site-command'))
    .startDocsSite(options, 0, (error) => write(`  Docs site could not rebuild: ${error.message}`), (ms) => write(`📖 docs site rebuilt in ${(ms / 1000).toFixed(1)} s: ${docsUrl}`))
    .then((site) => { docsUrl = site.url; write(`Docs site          ${site.url}   (runs appear as they end)`); return site; })
    .catch((error: Error) => { write(`Docs site          not started: ${error.message}`); return undefined; });
  // Every execution that ends gets a closing line: status, duration, dbt's PASS/WARN/ERROR/SKIP counts, how to see it.
  const watch = watchExecutions(options.stateDir, write);
  // A saved project file is recompiled in-process and the functions run it from the next run on (one line each).
  const projectWatcher = watchProject({
    projectDir: options.projectDir, stateDir: options.stateDir, manifestPath: path.resolve(options.stateDir, MANIFEST_FILE),
    target: localTarget(options.targetSchema ? { schema: options.targetSchema } : undefined), checks: compileChecks(options.projectDir),
    onCompiled: (outcome) => write(recompileLine(outcome)),
    onError: (error, changed) => write(`↻ ${changed.join(', ') || 'project'} saved: not recompiled, the stack keeps the previous version: ${error.message}`),
  });
  write(`Watching           ${path.relative(process.cwd(), options.projectDir) || '.'}   (a saved file is recompiled; the next run builds it)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  watch.stop();
  projectWatcher.close();
  await (await docsStarting)?.close();
  schedules.stop();
  projectTimers.stop();
  if (reconciler) clearInterval(reconciler);
  fs.rmSync(endpointsFile(options.stateDir), { force: true });
  await stack.close();
  return 0;
}

/** `{ Time }` for PutEvents from an event file's `time`; nothing when it has none (the bus then stamps the time of delivery). */
function eventTime(time: unknown): { Time?: Date } {
  if (time === undefined) return {};
  const date = typeof time === 'string' ? new Date(time) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError(`the event's "time" is not an ISO-8601 time: ${JSON.stringify(time)}`);
  return { Time: date };
}

/** Deliver one file: a Fivetran webhook body (signed and POSTed) or an EventBridge event (PutEvents). */
async function deliver(file: string, endpoints: Record<string, string>, write: (line: string) => void): Promise<number> {
  const raw = fs.readFileSync(file);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if ('detail-type' in body) {
    const client = new EventBridgeClient({ endpoint: endpoints.AWS_ENDPOINT_URL_EVENTBRIDGE, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const result = await client.send(new PutEventsCommand({
      // The event's own time travels as PutEvents' Time: DMS arrival ids include it, so re-sending one file is one arrival.
      Entries: [{ Source: String(body.source), DetailType: String(body['detail-type']), Detail: JSON.stringify(body.detail ?? {}), Resources: body.resources as string[] | undefined, ...eventTime(body.time) }],
    }));
    write(`PutEvents ${body.source}/${body['detail-type']}: ${result.FailedEntryCount ? `FAILED ${result.Entries?.[0]?.ErrorMessage}` : `accepted (${result.Entries?.[0]?.EventId})`}`);
    return result.FailedEntryCount ? 1 : 0;
  }
  if ('event' in body) {
    const secret = process.env.FIVETRAN_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET;
    const response = await fetch(endpoints.webhook!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fivetran-signature-256': signFivetranBody(raw, secret) },
      body: raw,
    });
    write(`POST ${endpoints.webhook} → ${response.status} ${await response.text()}`);
    return response.ok ? 0 : 1;
  }
  throw new UsageError(`${file} is neither a Fivetran webhook body (with "event") nor an EventBridge event (with "detail-type")`);
}

export async function sendEventCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { force: { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new UsageError('send-event takes one file, e.g. events/samples/fivetran/sync-end-successful.json');
  const file = positionals[0]!;
  if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist`);
  const options = commonOptions(values);
  const write = (line: string) => process.stdout.write(`${terminalSafe(line)}\n`);
  const running = runningServe(options.stateDir);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  // The arrival was run already (the deployed buffer drops a repeat within its dedupe window): say so, not run it twice.
  const earlier = values.force ? undefined : executionThatProcessed(options.stateDir, body);
  if (earlier) {
    write(`Already processed: this arrival was run by execution ${earlier.name} (${earlier.status}, ${earlier.startDate.slice(0, 19).replace('T', ' ')}); a repeated arrival is dropped (deduplication, docs/arrivals.md), so it was not sent again.`);
    write(`  To run it again with the same input: npx landfall replay ${earlier.name}`);
    write('  To deliver it anyway (as a new arrival would be after the dedupe window): npx landfall send-event --force FILE');
    return 0;
  }
  const before = executionNames(options.stateDir);
  if (running) {
    const code = await deliver(file, running, write);
    write(`Delivered to the \`landfall serve\` running on ${path.relative(process.cwd(), options.stateDir) || '.'} (pid ${running.pid}); its terminal shows the run's nodes. Waiting for the run to end…`);
    if (code !== 0) return code;
    const started = await awaitNewExecutions(options.stateDir, before, 5000);
    reportDelivery(options.stateDir, body, started, write);
    return started.some((e) => e.status !== 'SUCCEEDED') ? 1 : 0;
  }
  write(`No \`landfall serve\` is running on ${path.relative(process.cwd(), options.stateDir) || '.'}: starting the local stack in this process for this one event (its run prints below, then it stops; run \`npx landfall serve\` in another terminal to keep one running).`);
  const stack = await startStackForCli(options, write);
  try {
    const code = await deliver(file, stack.endpoints, write);
    await stack.eventBus.whenIdle();
    await stack.stepFunctions.waitForAllExecutions();
    const started = listStoredExecutions(options.stateDir).filter((e) => !before.has(e.name));
    reportDelivery(options.stateDir, body, started, write);
    return code !== 0 ? code : started.some((e) => e.status !== 'SUCCEEDED') ? 1 : 0;
  } finally {
    await stack.close();
  }
}

/** What the Step Functions quotas care about: transitions, history events (of 25,000), largest payload (of 256 KiB). */
export function executionFigures(e: StoredExecution): string {
  const kib = (e.largestPayloadBytes / 1024).toFixed(1);
  return `${e.stateTransitions} state transitions, ${e.historyEventCount} of 25000 history events, largest payload ${kib} KiB of 256${e.largestPayloadState ? ` (${e.largestPayloadState})` : ''}${e.redriveCount ? `, redriven ${e.redriveCount}×` : ''}`;
}

function describeExecution(e: StoredExecution): string {
  const seconds = e.stopDate ? ((Date.parse(e.stopDate) - Date.parse(e.startDate)) / 1000).toFixed(1) : '…';
  return `${e.name.padEnd(40)} ${e.status.padEnd(9)} ${e.startDate.slice(0, 19).replace('T', ' ')}  ${seconds.padStart(6)}s  ${String(e.stateTransitions).padStart(5)} transitions`;
}

export function executionsCommand(args: string[]): number {
  const { values, positionals } = parseFlags(args, { history: { type: 'boolean' } }, true);
  const options = commonOptions(values);
  const [sub = 'ls', id] = positionals;
  if (sub === 'ls' || sub === 'list') {
    const executions = listStoredExecutions(options.stateDir);
    if (options.json) process.stdout.write(`${JSON.stringify(executions.map(({ history: _h, ...e }) => e), null, 2)}\n`);
    else if (executions.length === 0) process.stdout.write('No executions yet. Start one with `landfall send-event FILE` or `landfall demo`.\n');
    else {
      for (const e of executions) process.stdout.write(`${describeExecution(e)}\n`);
      // Freshness lag over the listed runs that covered arrivals (src/freshness-lag/, their run history).
      const lag = readLocalFreshnessLag(options.stateDir, RUN_STATE_BUCKET, executions.map((e) => e.name));
      for (const line of lagReportLines(lag.flatMap((d) => d.arrivals), lag.length)) process.stdout.write(`${line}\n`);
    }
    return 0;
  }
  if (sub === 'show') {
    if (!id) throw new UsageError('executions show takes an execution name (or a prefix of it, its ARN, or the run id of an alert email)');
    const e = findExecution(options.stateDir, id);
    const run = runStateOfExecution(options.stateDir, e.name);
    const nodes = run ? nodeRows(run) : [];
    const [lag] = readLocalFreshnessLag(options.stateDir, RUN_STATE_BUCKET, [e.name]);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...e, ...(run ? { run_id: run.runId, counts: runCounts(run), nodes } : {}), ...(lag ? { freshness_lag: lag } : {}) }, null, 2)}\n`);
      return 0;
    }
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(describeExecution(e));
    out(`ARN: ${e.executionArn}`);
    if (run) out(`Run id: ${run.runId}   (${run.command}, ${run.nodes.length} nodes)`);
    out(`Quotas: ${executionFigures(e)}`);
    if (e.error) out(`Error: ${e.error}: ${e.cause ?? ''}`);
    out(`Input: ${e.input.length > 300 ? `${e.input.slice(0, 300)}…` : e.input}`);
    if (run) {
      out('Nodes:');
      out(formatTextTable({ columns: ['node', 'kind', 'status', 'seconds', 'rows', 'failures', 'note'], rows: nodes.map((n) => [n.node, n.kind, n.status, n.seconds, n.rows, n.failures, n.note.split('\n')[0]!.slice(0, 80)]) }));
    } else {
      out('Nodes: (its run state is gone from the local S3 folder, or it never planned one)');
    }
    if (lag) for (const line of lagReportLines(lag.arrivals, 1)) out(line);
    const states = e.history.filter((x) => x.type.endsWith('StateEntered') || x.type.endsWith('Failed'));
    if (!values.history) {
      out(`States: ${states.length} entered or failed (--history lists them)`);
      return 0;
    }
    out('States:');
    for (const h of states) {
      const details = (h.stateEnteredEventDetails ?? h.executionFailedEventDetails ?? h.taskFailedEventDetails ?? h.lambdaFunctionFailedEventDetails) as { name?: string; error?: string } | undefined;
      out(`  ${h.timestamp.slice(11, 23)}  ${h.type.padEnd(22)} ${details?.name ?? details?.error ?? ''}`);
    }
    return 0;
  }
  throw new UsageError(`executions takes 'ls' or 'show ID', got '${sub}'`);
}

export async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {}, true);
  const options = commonOptions(values);
  const id = positionals[0];
  if (!id) throw new UsageError('replay takes an execution name or ARN (see `landfall executions`)');
  const previous = findExecution(options.stateDir, id);
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const name = `${previous.name.replace(/-replay-\d+$/, '').slice(0, 55)}-replay-${Date.now()}`;
  const local = await connectLocalStepFunctions(options, write);
  const { sfn, stack } = local;
  try {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: previous.stateMachineArn, name, input: previous.input }));
    write(`Replaying ${previous.name} as ${name} (same input).`);
    if (!stack) return 0;
    const finished = await stack.stepFunctions.waitForExecution(started.executionArn!);
    write('');
    for (const line of closingLines(finished, runStateOfExecution(options.stateDir, finished.name))) write(line);
    return finished.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await local.close();
  }
}
