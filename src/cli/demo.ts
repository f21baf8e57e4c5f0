/**
 * `landfall demo`: the story a newcomer sees first, on the embedded warehouse and the local AWS stack.
 *
 *   1. Fivetran lands the app database and the event stream in `raw`; a first full build.
 *   2. The next sync lands new rows; one transfer carries a typo in its status (the planted issue).
 *   3. Fivetran calls the webhook (signed sync_end). The rule starts the transform state machine,
 *      which builds and tests exactly the models downstream of the connector's sources.
 *   4. The accepted_values test catches the typo: downstream models are skipped, an alert email lands
 *      in the outbox.
 *   5. The data is fixed at the source; the execution is replayed with the same input and passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { StartExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { dialects, summarizeRun } from '../engine';
import { fixPlantedIssueSql, generateDemoData, generateNewSyncBatch, plantIssueInTransferSql } from '../demo/generate-demo-data';
import { signFivetranBody } from '../events/fivetran';
import { LOCAL_WEBHOOK_SECRET } from '../local/local-stack';
import { loadCompiledManifest } from '../runtime/compiled-project';
import { readConnectionTarget } from '../warehouse/connection-config';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse';
import { runQuery } from '../engine/warehouse/run-query';
import { runToCompletion } from './local-build';
import { commonOptions } from './command-context';
import { closingLines, runStateOfExecution } from './execution-summary';
import { parseFlags, UsageError } from './options';
import { startStackForCli } from './cli-local-stack';

/** Written in a state folder the demo created: the demo resets only such a folder (or an empty one). */
const DEMO_MARKER = '.landfall-demo';

/**
 * The demo writes the default state folder, the one every other command reads, so the "look next" commands
 * work as printed. It resets the folder first, but only one it made (or an empty one): a warehouse built by
 * other commands is never wiped by `npm start`.
 */
function resetStateFolder(stateDir: string, keep: boolean): void {
  const entries = fs.existsSync(stateDir) ? fs.readdirSync(stateDir) : [];
  if (!keep && entries.length > 0) {
    if (!entries.includes(DEMO_MARKER)) {
      const shown = path.relative(process.cwd(), stateDir) || '.';
      throw new UsageError(`${shown}/ holds state the demo did not create (${entries.slice(0, 4).join(', ')}${entries.length > 4 ? ', …' : ''}); the demo starts from an empty state folder and will not wipe yours. Move it away, or run the demo in another one: npx landfall demo --state-dir .landfall-demo`);
    }
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(path.join(stateDir, DEMO_MARKER), 'Created by `landfall demo`: the next demo resets this folder.\n');
}

/** Without --verbose the run's node lines are left out; its header, failures, errors and the email notice stay. */
function storyLine(verbose: boolean, out: (line?: string) => void): (line: string) => void {
  return (line) => {
    if (verbose || /\bRun \S+:|\bFAIL\b|\bERROR\b|📧|Subject:/.test(line)) out(line);
  };
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { keep: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } });
  const options = commonOptions(values);
  const verbose = Boolean(values.verbose);
  const started = Date.now();
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const step = (n: number, title: string) => out(`\n━━ ${n}. ${title} ${'━'.repeat(Math.max(3, 70 - title.length))}`);
  const stateShown = path.relative(process.cwd(), options.stateDir) || '.';

  resetStateFolder(options.stateDir, Boolean(values.keep));
  out('landfall demo — a file-transfer company\'s data mart, event-driven, on your laptop.');
  out(`State (warehouse, executions, outbox) goes to ${stateShown}/, where every other landfall command looks.${verbose ? '' : ' (--verbose: every node and the whole email)'}`);

  const stack = await startStackForCli(options, storyLine(verbose, out));
  try {
    const warehouse = new RedshiftDataWarehouse({ client: new RedshiftDataClient({}), target: readConnectionTarget() });
    const manifest = loadCompiledManifest();

    step(1, 'Fivetran lands the app database and the event stream in raw; the first build');
    const asOf = new Date(new Date().toISOString().slice(0, 10));
    const data = generateDemoData({ asOf });
    for (const sql of data.ddl) await runQuery(warehouse, sql);
    for (let i = 0; i < data.inserts.length; i += 20) await runQuery(warehouse, data.inserts.slice(i, i + 20));
    out(`Loaded ${Object.entries(data.rowCounts).map(([t, n]) => `${n} ${t}`).join(', ')} through the Redshift Data API endpoint.`);
    const initialStarted = Date.now();
    const initial = await runToCompletion(manifest, { runId: 'demo-initial-build', command: 'build' }, { dialect: dialects[manifest.target.type], warehouse });
    const initialSummary = summarizeRun(initial);
    out(`First full build (\`landfall build\`): ${initial.nodes.filter((n) => n.status === 'success').length} seeds and models built, ${initialSummary.counts.test_pass ?? 0} tests passed in ${((Date.now() - initialStarted) / 1000).toFixed(1)} s.`);
    if (initialSummary.failed) throw new Error(`the first build failed; run \`npx landfall build${options.stateDir === path.resolve('.landfall') ? '' : ` --state-dir ${stateShown}`}\` to see why`);

    step(2, 'The next sync lands new rows — one carries a typo from a buggy app release');
    const batch = generateNewSyncBatch({ asOf, batchNumber: 1 });
    for (const sql of batch.statements) await runQuery(warehouse, sql);
    const bad = batch.updatedTransferIds[0]!;
    await runQuery(warehouse, plantIssueInTransferSql(bad));
    out(`Synced ${Object.entries(batch.newRowCounts).map(([t, n]) => `${n} new ${t}`).join(', ')} and ${batch.updatedTransferIds.length} updated transfers; transfer ${bad} now says status 'expird'.`);

    step(3, 'Fivetran calls the webhook; EventBridge starts the transform state machine');
    const body = Buffer.from(fs.readFileSync(path.join(REPO_ROOT, 'events', 'samples', 'fivetran', 'sync-end-successful.json'), 'utf8')
      .replace(/"created": "[^"]+"/, `"created": "${new Date().toISOString()}"`)
      .replace(/"sync_id": "[^"]+"/, `"sync_id": "demo-${Date.now()}"`));
    const secret = process.env.FIVETRAN_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET;
    const unsigned = await fetch(stack.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    out(`An unsigned copy is refused: HTTP ${unsigned.status} ${await unsigned.text()}`);
    const response = await fetch(stack.webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-fivetran-signature-256': signFivetranBody(body, secret) } });
    out(`The signed sync_end for connector wetransfer_app_db: HTTP ${response.status} ${await response.text()}`);
    await stack.eventBus.whenIdle();
    await stack.stepFunctions.waitForAllExecutions();
    const [first] = (await stack.stepFunctions.listExecutions({ stateMachineArn: stack.transformStateMachineArn })).executions ?? [];
    if (!first) throw new Error('the webhook started no execution');
    const firstRun = stack.stepFunctions.getExecution(first.executionArn!)!;
    for (const line of closingLines(firstRun, runStateOfExecution(options.stateDir, firstRun.name))) out(line);

    step(4, 'The accepted_values test caught it: an alert email');
    const emails = fs.existsSync(stack.sns.outboxDir) ? fs.readdirSync(stack.sns.outboxDir).filter((f) => f.endsWith('.eml')).sort() : [];
    if (emails.length === 0) out('(no alert: did the planted issue get fixed already?)');
    else {
      const eml = fs.readFileSync(path.join(stack.sns.outboxDir, emails[emails.length - 1]!), 'utf8');
      const [headers, ...rest] = eml.split(/\r?\n\r?\n/);
      const bodyText = rest.join('\n\n');
      const shownLines = verbose ? 45 : 14;
      out(headers!.split(/\r?\n/).filter((h) => /^(Subject|To|From):/.test(h)).join('\n'));
      out('');
      out(bodyText.split(/\r?\n/).slice(0, shownLines).join('\n'));
      if (bodyText.split(/\r?\n/).length > shownLines) out(`… (the whole email: ${path.relative(process.cwd(), path.join(stack.sns.outboxDir, emails[emails.length - 1]!))})`);
    }

    step(5, 'Fix the data at the source, then replay the execution');
    await runQuery(warehouse, fixPlantedIssueSql());
    out(`Ran: ${fixPlantedIssueSql()}`);
    const sfn = new SFNClient({});
    const replay = await sfn.send(new StartExecutionCommand({ stateMachineArn: stack.transformStateMachineArn, name: `${firstRun.name.slice(0, 60)}-replay`, input: firstRun.input }));
    const replayed = await stack.stepFunctions.waitForExecution(replay.executionArn!);
    for (const line of closingLines(replayed, runStateOfExecution(options.stateDir, replayed.name))) out(line);

    // The output is the run's last payload: a pointer to its state in S3 and the counts.
    const { counts } = JSON.parse(replayed.output ?? '{}') as { counts?: { models: number; testNodes: number } };
    const models = counts?.models ?? 0;
    const testGroups = counts?.testNodes ?? 0;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    step(6, 'Summary');
    out(`First run:  ${firstRun.status.padEnd(9)} ${firstRun.stateTransitions} state transitions  (alert email: ${emails.length ? 'yes' : 'no'})`);
    out(`Replay:     ${replayed.status.padEnd(9)} ${replayed.stateTransitions} state transitions for ${models} models and ${testGroups} test statements`);
    out(`Demo time:  ${seconds} s`);
    out('');
    const stateFlag = options.stateDir === path.resolve('.landfall') ? '' : ` --state-dir ${stateShown}`;
    out('Look next (the same state folder):');
    out(`  ${path.relative(process.cwd(), stack.sns.outboxDir)}/   the alert email (.eml: open it in a mail client)`);
    out(`  npx landfall executions ls${stateFlag}                      the executions`);
    out(`  npx landfall executions show ${firstRun.name}${stateFlag}`);
    out(`  npx landfall query "select * from analytics_marts.fct_transfers_daily order by 1 desc limit 5"${stateFlag}`);
    out(`  npx landfall serve${stateFlag}   then, in another terminal: npx landfall send-event events/samples/fivetran/sync-end-successful.json${stateFlag}`);
    return firstRun.status === 'FAILED' && emails.length > 0 && replayed.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await stack.close();
  }
}
