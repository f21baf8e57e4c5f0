/**
 * `landfall` — dbt-like commands on the local warehouse (or a Redshift target from configuration), the
 * local AWS stack, and the demo. Every command prints what it does; `--json` prints a machine-readable
 * result; the exit code is non-zero when anything failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatTextTable } from '../alerts/text-table';
import { dialects, summarizeRun, EngineError, type Manifest, type RunRequest, type RunState } from '../engine';
import { compileProject } from '../engine/compile';
import { compileChecks } from '../deploy/compile-checks';
import { compiledAnalyses } from '../engine/project/compile-analyses';
import type { RunCommand } from '../engine/run/run-state';
import { MANIFEST_FILE } from '../runtime/compiled-project';
import type { SelectionState } from '../engine/graph/state-selection';
import { unsupportedConstraintWarnings } from '../engine/materializations/contract';
import { deferredManifest, loadSelectionState, readRunResults, resourceTypeExcludes, retrySelection, runResultsOf, writeRunResults, type RunArgs } from './state-flags';
import { runQuery } from '../engine/warehouse/run-query';
import { TARGET_FILES, targetDir, writeTargetArtifacts } from '../artifacts/target-files';
import { MANIFEST_FRAGMENTS_FILE, ManifestFragments } from '../artifacts/manifest-fragments';
import { projectDocsOf } from '../artifacts/project-docs';
import type { ProjectFiles } from '../engine/project/project-files';
import { artifactIdentity, artifactPatchOf } from '../engine/project/model-edits';
import { commonOptions, compileFrom, openCliWarehouse, parseCacheFor, targetFor } from './command-context';
import { runToCompletion } from './local-build';
import { parseFlags, parseVars, selectors, UsageError } from './options';
import { printRunSummary, skipReason } from './progress';
import { asksForHelp, COMMAND_USAGE, usageOf } from './command-help';
import { didYouMean } from './suggest';

// Commands that need the AWS SDK, PGlite or the local AWS stack load them when they run (`require` inside the
// command: tsx's CommonJS hook, jest and the esbuild bundle all load those lazily), so `landfall run
// --database-url …` starts without them.

const HELP = `landfall — event-driven dbt builds on Redshift, and the same pipeline on your laptop

Usage: landfall <command> [flags]

  demo                         the whole story on the embedded warehouse: arrival → run → alert → fix → replay
  compile [-s MODEL]           compile the dbt project into the artifact the functions load (reparsing changed files only);
                               with -s, print the model's compiled SQL and write target/compiled/…
  debug [-t TARGET]            check the profile, the connection (a Data API round trip) and privileges, with fixes
  deps [--upgrade] [--lock]    install packages.yml's dbt packages into dbt_packages/ (writes/honours package-lock.yml)
  ls [--select …]              list the selected nodes (--output json|name|path)
  show -s MODEL [--limit N]    run a model's compiled SQL (or --inline "SQL") and print the first rows
  build|run|test|seed          build and test models on the local warehouse (or Redshift, see README); each writes
                               run_results.json in the state folder
  retry                        run the last build's command again on what errored, failed or was skipped
  run-operation MACRO [--args '{k: v}']  call a macro with keyword arguments; what it runs reaches the warehouse
      --select/-s, --exclude   dbt selection syntax (name, +name, name+, tag:, path:, source:x.y+, …)
      --selector NAME          a named selection from selectors.yml (ls, build, run, test, seed)
      --full-refresh           rebuild incremental models from scratch
      --state DIR              compare with another run: its landfall-manifest.json (state:new, state:modified[.body|.configs|
                               .relation|.persisted_descriptions|.macros|.contract]) and run_results.json (result:error, …)
      --defer                  with --state: models and seeds this run does not build are read from the state's relations
      --resource-type TYPE     only these resource types (model, seed, snapshot, test; repeatable)
      --empty                  build from zero rows: refs and sources read as (select * from … where false limit 0)
      --vars '{"k": "v"}'      override project vars
      --threads N              statements in flight at once (default 4)
  source freshness [--select …]  check sources' loaded_at_field against warn_after/error_after (dbt's output, --json)
  schedules ls                 landfall.yml's schedules, DMS schedules and the rotation, with their next fire time
  docs generate                dbt's docs artifacts: target/manifest.json and target/catalog.json (the warehouse's columns, types, sizes)
  query "SQL"                  run one SQL statement on the local warehouse and print the rows
  serve                        the local stack: webhook, event bus + rules, Step Functions, Data API, SNS outbox
  send-event FILE              deliver a Fivetran webhook body or an EventBridge event (signed, through the rules)
  executions [ls | show ID]    local Step Functions executions and their states
  replay ID                    start an execution again with the same input
  redrive ID                   RedriveExecution: continue a failed execution at its unsuccessful state (14 days)
  rotate [--month YYYY-MM]     create next month's partition tables, refresh views, drop expired months
  backfill --select MODEL --from YYYY-MM --to YYYY-MM   rebuild months of a partitioned model, tested before publishing
  grants [--stage S] [--region R]  the SQL a Redshift admin runs once: the functions' database user and its privileges
  doctor [--stage S]           check a deployed stage (read-only, your AWS credentials): one pass/fail line per check with the fix

Common flags: --project-dir (default dbt), --state-dir (default .landfall), --database-url postgres://…,
              --target-schema (default analytics), --json
              --via-data-api  local SQL through the AWS SDK client and a local Data API endpoint (HTTP),
                              as the pipeline does, instead of straight to the engine in this process
              --no-partial-parse  parse every project file again (by default files unchanged since the last
                              command are not: their parse results are cached in the state folder, as dbt does)
`;

/** landfall's version (package.json), as `landfall --version` prints it. */
export function landfallVersion(): string {
  return (require('../../package.json') as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (args.includes('--no-color')) process.env.NO_COLOR = '1';
  // Help never acts: `landfall help CMD`, `CMD --help` and `CMD -h` print the usage before the command loads.
  if (command === 'help' && args[0] !== undefined) return printUsage(args[0]);
  if (command !== undefined && !command.startsWith('-') && asksForHelp(args)) return printUsage(command);
  // Every command's output also goes to the project's logs/landfall.log (dbt's logs/dbt.log).
  const stopLog = command !== undefined && !command.startsWith('-') && command !== 'help' && command !== 'version' && process.env.LANDFALL_NO_LOG_FILE !== '1'
    ? (require('./run-log') as typeof import('./run-log')).startRunLog(argv)
    : () => undefined;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return 0;
      case '--version':
      case '-v':
      case 'version':
        process.stdout.write(`landfall ${landfallVersion()} (Node ${process.version})\n`);
        return 0;
      case 'compile':
        return compileCommand(args);
      case 'ls':
      case 'list':
        return (require('./ls-command') as typeof import('./ls-command')).lsCommand(args);
      case 'build':
      case 'run':
      case 'test':
      case 'seed':
      case 'snapshot':
        return await buildCommand(command, args);
      case 'retry':
        return await retryCommand(args);
      case 'run-operation':
        return await (require('./run-operation-command') as typeof import('./run-operation-command')).runOperationCommand(args);
      case 'query':
        return await queryCommand(args);
      case 'serve':
        return await stackCommands().serveCommand(args);
      case 'send-event':
        return await stackCommands().sendEventCommand(args);
      case 'executions':
        return stackCommands().executionsCommand(args);
      case 'replay':
        return await stackCommands().replayCommand(args);
      case 'loads':
        return await (require('./loads-command') as typeof import('./loads-command')).loadsCommand(args);
      case 'redrive':
        return await (require('./redrive-command') as typeof import('./redrive-command')).redriveCommand(args);
      case 'demo':
        enableTypeScriptHandlers();
        return await (require('./demo') as typeof import('./demo')).runDemo(args);
      case 'schedules':
        return await (require('./schedules-command') as typeof import('./schedules-command')).schedulesCommand(args);
      case 'source':
        return await (require('./freshness-command') as typeof import('./freshness-command')).sourceCommand(args);
      case 'docs':
        return await (require('./docs-command') as typeof import('./docs-command')).docsCommand(args);
      case 'rotate':
        return await partitionCommands().rotateCommand(args);
      case 'backfill':
        return await partitionCommands().backfillCommand(args);
      case 'grants':
        return await (require('./grants-command') as typeof import('./grants-command')).grantsCommand(args);
      case 'doctor':
        return await (require('./doctor/doctor-command') as typeof import('./doctor/doctor-command')).doctorCommand(args);
      case 'show':
        return await (require('./compile-select') as typeof import('./compile-select')).showCommand(args);
      case 'debug':
        return await (require('./debug-command') as typeof import('./debug-command')).debugCommand(args);
      case 'deps':
        return await (require('./deps-command') as typeof import('./deps-command')).depsCommand(args);
      default:
        throw new UsageError(`unknown command '${command}'${didYouMean(command, knownCommands())}. Run 'landfall help' for the list.`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof EngineError) {
      process.stderr.write(`landfall ${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    stopLog();
  }
}

/** The commands main() dispatches, read from its own overview and the usage table (for did-you-mean). */
function knownCommands(): string[] {
  const fromOverview = HELP.split('\n').flatMap((line) => /^  ([a-z][a-z-]*)[ |]/.exec(line)?.[1] ?? []);
  return [...new Set([...Object.keys(COMMAND_USAGE), ...fromOverview, 'list'])];
}

function printUsage(command: string): number {
  if (!knownCommands().includes(command) && !HELP.includes(`  ${command} `)) {
    process.stderr.write(`landfall help: unknown command '${command}'${didYouMean(command, knownCommands())}. Run 'landfall help' for the list.\n`);
    return 2;
  }
  process.stdout.write(usageOf(command, HELP));
  return 0;
}

/**
 * The local stack runs the Lambda handlers from `functions/*.ts`. Under tsx (or jest) Node loads TypeScript
 * already; from the CLI bundle (dist/) it cannot, so tsx is registered first. The handlers then load their own
 * copy of src/ through tsx: the stack hands them everything through the environment before they load.
 */
function enableTypeScriptHandlers(): void {
  const extensions = require.extensions as Record<string, unknown> | undefined;
  if (extensions && !extensions['.ts']) require('tsx/cjs');
}

function stackCommands(): typeof import('./stack-commands') {
  enableTypeScriptHandlers();
  return require('./stack-commands');
}

function partitionCommands(): typeof import('./partition-commands') {
  return require('./partition-commands');
}

function compileCommand(args: string[]): number {
  const { values, positionals } = parseFlags(args, {
    out: { type: 'string' },
    vars: { type: 'string' },
    select: { type: 'string', short: 's', multiple: true },
    exclude: { type: 'string', multiple: true },
    inline: { type: 'string' },
  }, true);
  const options = commonOptions(values);
  const out = path.resolve(String(values.out ?? path.join(options.stateDir, MANIFEST_FILE)));
  const started = Date.now();
  const parseCache = parseCacheFor(options);
  let files: ProjectFiles | undefined; // what the compile read: target/manifest.json's docs come from it, not a second read
  const keepFiles = (_: Manifest, read: ProjectFiles) => { files = read; };
  parseCache?.saveWithCompiledSql(); // saved once, by finishCompiledSql below
  const manifest = compileProject(options.projectDir, targetFor(options), out, parseVars(values.vars as string | undefined), parseCache, [...compileChecks(options.projectDir), keepFiles]);
  // With partial parsing, target/manifest.json is assembled from the entries of the last one that did not change.
  const fragments = parseCache ? ManifestFragments.open(path.join(options.stateDir, MANIFEST_FRAGMENTS_FILE), path.join(targetDir(options.projectDir), TARGET_FILES.manifest)) : undefined;
  if (fragments) {
    // A patch of the last artifact's models (model-edits.ts): entries built from that artifact's manifest still hold.
    const patch = artifactPatchOf(manifest);
    if (patch) fragments.trustUnchangedSince(patch.basis, patch.edited);
    fragments.assembledFrom = artifactIdentity(out);
  }
  // Models whose kept entry holds a stable render of the same inputs are not rendered again (compiled-code.ts).
  const compiledCodeOptions = parseCache ? { parseCache, ...(fragments ? { unchanged: (id: string) => fragments.keepsStableModel(id) } : {}) } : undefined;
  writeTargetArtifacts({ projectDir: options.projectDir, manifest, invocationId: `compile-${started}`, startedAt: new Date(started), compiledCode: true, ...(compiledCodeOptions ? { compiledCodeOptions } : {}), ...(files ? { docs: projectDocsOf(files) } : {}), ...(fragments ? { fragments } : {}) });
  parseCache?.finishCompiledSql(); // keeps the models' compiled SQL for the next compile (render/compiled-sql.ts)
  if (!options.json) for (const warning of manifest.parseWarnings ?? []) process.stdout.write(`[WARNING] ${warning}\n`);
  // dbt compiles analyses to target/compiled/<project>/analyses/… (they never run).
  for (const analysis of compiledAnalyses(manifest)) {
    const file = path.join(options.projectDir, 'target', analysis.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, analysis.sql);
  }
  // `compile -s MODEL` / `--inline "SQL"`: the compiled SQL printed and written to target/compiled/… (compile-select.ts).
  const select = [...selectors(values.select as string[] | undefined), ...positionals];
  if (select.length > 0 || values.inline !== undefined) {
    return (require('./compile-select') as typeof import('./compile-select')).printCompiledSelection(manifest, options.projectDir, {
      select, exclude: selectors(values.exclude as string[] | undefined), inline: values.inline as string | undefined, vars: parseVars(values.vars as string | undefined), json: options.json,
    });
  }
  const counts = `${Object.keys(manifest.models).length} models, ${Object.keys(manifest.seeds).length} seeds, ${Object.keys(manifest.tests).length} data tests, ${Object.keys(manifest.sources).length} sources`;
  if (options.json) process.stdout.write(`${JSON.stringify({ out, models: Object.keys(manifest.models).length, seeds: Object.keys(manifest.seeds).length, tests: Object.keys(manifest.tests).length, sources: Object.keys(manifest.sources).length })}\n`);
  else process.stdout.write(`Found ${counts}.\nWrote ${path.relative(process.cwd(), out)} in ${Date.now() - started} ms.\n`);
  return 0;
}

async function buildCommand(command: RunCommand, args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    select: { type: 'string', short: 's', multiple: true },
    exclude: { type: 'string', multiple: true },
    selector: { type: 'string' },
    'full-refresh': { type: 'boolean' },
    vars: { type: 'string' },
    threads: { type: 'string' },
    state: { type: 'string' },
    defer: { type: 'boolean' },
    'favor-state': { type: 'boolean' },
    'resource-type': { type: 'string', multiple: true },
    empty: { type: 'boolean' },
    'fail-fast': { type: 'boolean', short: 'x' },
  }, true);
  const options = commonOptions(values);
  // dbt's order: --threads, else the profile output's threads, else 4.
  const threads = values.threads === undefined ? Number(options.profile?.fields.threads ?? 4) : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be an integer from 1 to 64, got ${String(values.threads)}`);
  const runArgs: RunArgs = {
    which: command,
    select: [...selectors(values.select as string[] | undefined), ...positionals],
    exclude: selectors(values.exclude as string[] | undefined),
    ...(values.selector === undefined ? {} : { selector: String(values.selector) }),
    full_refresh: Boolean(values['full-refresh']),
    vars: parseVars(values.vars as string | undefined),
    threads,
    resource_types: selectors(values['resource-type'] as string[] | undefined),
    ...(values.empty ? { empty: true } : {}),
  };
  const selectionState = values.state === undefined ? undefined : loadSelectionState(String(values.state));
  return executeBuild(options, runArgs, selectionState, Boolean(values.defer), Boolean(values['fail-fast']));
}

/** `landfall retry`: the last build's command again, on what errored, failed or was skipped (state-flags.ts). */
async function retryCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { threads: { type: 'string' } });
  const options = commonOptions(values);
  const last = readRunResults(options.stateDir);
  const { select, count } = retrySelection(last);
  if (count === 0) {
    if (!options.json) process.stdout.write('Nothing to retry: the last run had no errors, failures or skips.\n');
    return 0;
  }
  const threads = values.threads === undefined ? last.args.threads : Number(values.threads);
  return executeBuild(options, { ...last.args, select, exclude: [], selector: undefined, threads }, { results: Object.fromEntries(last.results.map((r) => [r.unique_id, r.status])) }, false);
}

async function executeBuild(options: ReturnType<typeof commonOptions>, runArgs: RunArgs, selectionState: SelectionState | undefined, defer: boolean, failFast = false): Promise<number> {
  const { which: command, vars, threads } = runArgs;
  const started = Date.now();
  const manifest = compileFrom(options, vars);
  const write = options.json ? undefined : (line: string) => process.stdout.write(`${line}\n`);
  write?.(`Found ${Object.keys(manifest.models).length} models, ${Object.keys(manifest.seeds).length} seeds, ${Object.keys(manifest.tests).length} data tests, ${Object.keys(manifest.sources).length} sources`);
  write?.('');
  const request: RunRequest = {
    runId: `cli-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${process.pid}`,
    command,
    select: runArgs.select,
    exclude: [...runArgs.exclude, ...resourceTypeExcludes(runArgs.resource_types)],
    selector: runArgs.selector,
    fullRefresh: runArgs.full_refresh,
    vars,
    concurrency: threads,
    ...(selectionState ? { selectionState } : {}),
    ...(runArgs.empty ? { empty: true } : {}),
  };
  // `--defer`: what this run does not build is read from the relations the state's manifest names.
  const runManifest = defer ? deferredManifest(manifest, selectionState, request) : manifest;
  // dbt's warn_unsupported: constraints the warehouse only declares or cannot apply (materializations/contract.ts).
  for (const warning of manifest.parseWarnings ?? []) write?.(`[WARNING] ${warning}`);
  for (const model of Object.values(manifest.models)) for (const warning of unsupportedConstraintWarnings(model, dialects[manifest.target.type])) write?.(`[WARNING] ${warning}`);
  const { warehouse, close } = await openCliWarehouse(options, threads);
  let state: RunState;
  try {
    state = await runToCompletion(runManifest, request, { dialect: dialects[manifest.target.type], warehouse, write, projectDir: options.projectDir, failFast });
  } finally {
    await close();
  }
  const elapsed = Date.now() - started;
  writeRunResults(options.stateDir, runResultsOf(state, runArgs, elapsed));
  writeTargetArtifacts({ projectDir: options.projectDir, manifest, invocationId: state.runId, startedAt: new Date(started), run: { state, args: { ...runArgs }, elapsedSeconds: elapsed / 1000 } });
  if (options.json) process.stdout.write(`${JSON.stringify(runResultJson(state, runManifest, elapsed), null, 2)}\n`);
  else if (state.nodes.length === 0) {
    const unknown = runArgs.select.length ? (require('./compile-select') as typeof import('./compile-select')).unknownNamesInSelection(manifest, runArgs.select) : undefined;
    write?.(`Nothing to do: ${unknown ?? 'the selection matched no nodes.'}`);
  }
  else printRunSummary(state, runManifest, elapsed, write!);
  return summarizeRun(state).failed ? 1 : 0;
}

/** The `--json` result: one entry per model, seed and test (dbt's run_results, simplified). */
export function runResultJson(state: RunState, manifest: Manifest, elapsedMs: number) {
  const results: Record<string, unknown>[] = [];
  for (const node of state.nodes) {
    const timing = node.startedAt && node.finishedAt ? (Date.parse(node.finishedAt) - Date.parse(node.startedAt)) / 1000 : 0;
    if (node.kind === 'tests') {
      for (const t of node.tests ?? []) {
        results.push({ unique_id: t.id, resource_type: 'test', name: t.name, status: t.status, failures: t.failures, execution_time: timing, message: node.error ?? null, attached_to: node.name });
      }
    } else {
      const m = manifest.models[node.id] ?? manifest.seeds[node.id];
      results.push({
        unique_id: node.id, resource_type: node.kind, name: node.name, status: node.status, execution_time: timing,
        rows_affected: node.rows ?? null, relation: m ? `${m.relation.schema}.${m.relation.identifier}` : null,
        message: node.error ?? (node.skippedBecause ? `skipped: ${skipReason(node)}` : null),
      });
    }
  }
  const { failed } = summarizeRun(state);
  return { run_id: state.runId, command: state.command, success: !failed, elapsed_time: elapsedMs / 1000, results };
}

async function queryCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { limit: { type: 'string' } }, true);
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit must be a whole number of rows (0: all), got ${String(values.limit)}`);
  if (positionals.length !== 1) throw new UsageError('query takes one SQL statement in quotes, e.g. landfall query "select count(*) from analytics.fct_transfers"');
  const options = commonOptions(values);
  const { warehouse, close } = await openCliWarehouse(options);
  try {
    const result = await runQuery(warehouse, positionals[0]!);
    if (options.json) process.stdout.write(`${JSON.stringify(result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]]))))}\n`);
    else {
      const shown = limit === 0 ? result.rows : result.rows.slice(0, limit);
      const more = result.rows.length - shown.length;
      process.stdout.write(`${formatTextTable({ columns: result.columns.map((c) => c.name), rows: shown })}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${more > 0 ? `; the first ${shown.length} shown, ${more} more: --limit N or --limit 0 for all, --json for machines` : ''})\n`);
    }
    return 0;
  } finally {
    await close();
  }
}
