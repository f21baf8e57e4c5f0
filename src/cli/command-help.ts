/**
 * Each command's usage, printed by `landfall help CMD`, `landfall CMD --help` and `-h`. main.ts prints it before
 * the command's file is even loaded, so asking for help never runs anything (tests/cli/help-never-acts.test.ts).
 */

const SELECTION = `  --select/-s SPEC …      dbt selection syntax (name, +name, name+, tag:, path:, source:x.y+, …)
  --exclude SPEC …        leave these out
  --selector NAME         a named selection from selectors.yml`;

const TARGET = `  --target/-t NAME        the profiles.yml output to use (default: the profile's target)
  --profiles-dir DIR      where profiles.yml is (default: $DBT_PROFILES_DIR, the project folder, ~/.dbt)`;

const BUILD_FLAGS = `${SELECTION}
  --full-refresh          rebuild incremental models from scratch
  --vars YAML             override project vars, e.g. --vars '{lookback_days: 3}' (YAML or JSON)
  --threads N             statements in flight at once (default 4)
  --fail-fast/-x          stop starting new nodes after the first failure (as dbt's -x)
  --state DIR, --defer    compare with / read unbuilt refs from another run's artifacts
  --resource-type TYPE    only these resource types (model, seed, snapshot, test; repeatable)
  --empty                 build from zero rows`;

/** The usage of every command landfall has, by name (aliases share an entry). */
export const COMMAND_USAGE: Record<string, string> = {
  build: `landfall build [flags]     seed, run, snapshot and test the selected nodes in dependency order\n\n${BUILD_FLAGS}`,
  run: `landfall run [flags]       build the selected models (no tests)\n\n${BUILD_FLAGS}`,
  test: `landfall test [flags]      run the selected data and unit tests\n\n${BUILD_FLAGS}`,
  seed: `landfall seed [flags]      load the selected seeds\n\n${BUILD_FLAGS}`,
  snapshot: `landfall snapshot [flags]  run the selected snapshots\n\n${BUILD_FLAGS}`,
  retry: 'landfall retry [--threads N]   run the last build\'s command again on what errored, failed or was skipped',
  compile: `landfall compile [--select/-s MODEL …] [--out FILE] [--vars YAML]

  Without --select: compile the project into the artifact the functions load (the state folder's
  landfall-manifest.json, or --out). With --select: print each selected model's compiled SQL and write it to
  target/compiled/<project>/<file> (as dbt compile does).
  --inline "SQL"          compile one SQL text with the project's macros, refs and sources`,
  show: `landfall show (--select/-s MODEL | --inline "SQL") [--limit N]

  Run a model's compiled SQL (or the inline SQL) and print the first N rows (default 5, as dbt show).`,
  ls: `landfall ls [--select/-s …] [--resource-type TYPE] [--output json|name|path|selector] [--output-keys K …]

${SELECTION}
  --output FORMAT         selector (default: package.folders.name), name, path (file), json (one object a line)
  --output-keys K …       with --output json: only these keys (name, resource_type, unique_id, package_name,
                          original_file_path, alias, schema, materialized, tags)`,
  'run-operation': 'landfall run-operation MACRO [--args YAML]   call a macro with keyword arguments; what it runs reaches the warehouse',
  deps: 'landfall deps [--upgrade] [--lock]   install packages.yml\'s dbt packages into dbt_packages/ (honours package-lock.yml)',
  debug: `landfall debug [--target/-t NAME]

  Check the setup and say how to fix what is wrong: the project, profiles.yml and the chosen output, the
  connection (a round trip through the Redshift Data API or to the local warehouse), and privileges on the
  target schema and the sources' schemas.
${TARGET}`,
  source: 'landfall source freshness [--select …] [--json]   check sources\' loaded_at_field against warn_after/error_after',
  docs: `landfall docs generate [--select/-s …] [--exclude …] [--empty-catalog] [--vars YAML] [--single-file] [--out PATH]
landfall docs serve [--port N]
landfall docs build-site
landfall docs publish --bucket NAME [--prefix site/]

  generate: write dbt's target/manifest.json (v12) and target/catalog.json (v1: each relation's columns, types, row
  count and size from the warehouse's catalog) under the project's target path, as dbt docs generate does, and the
  docs site beside them (target/index.html + target/data/; --single-file: one self-contained HTML file): models,
  sources, seeds, tests, macros, lineage, search, freshness, partitions, run and test history.
  serve: serve the site on 127.0.0.1 (default port 8080), rebuilt in a child process when target/ or a run changes.
  build-site: rebuild the site from target/ and the run history only (no warehouse query; what serve runs).
  publish: generate, then upload the site to the deployment's docs bucket (stack output DocsSiteBucketName).`,
  query: `landfall query "SQL" [--limit N]

  Run one SQL statement on the warehouse and print the rows: the first 100 (or N; --limit 0 for all), and how
  many more there are.`,
  serve: `landfall serve [--port N] [--window-seconds N] [--reconcile-seconds N]

  Start the local AWS stack (Fivetran webhook, EventBridge bus and rules, Step Functions, Redshift Data API,
  SNS outbox) on the state folder. Every execution prints its nodes as they finish and a closing line
  (status, duration, PASS/WARN/ERROR/SKIP). --window-seconds: the arrivals' coalescing window (AWS deploys 60;
  default 0, a run per arrival). --reconcile-seconds: how often the reconciler looks for arrivals whose event never
  came (default 900, as deployed; 0 off). Ctrl-C stops it.`,
  'send-event': `landfall send-event FILE [--force]

  Deliver a Fivetran webhook body (signed) or an EventBridge event (PutEvents) to the \`landfall serve\` running
  on this state folder; with none running, start the stack in this process for this one event and wait for the
  run it starts. An arrival already run (an execution's input names it) is not sent again: the command says
  which execution ran it and how to replay it (--force delivers it anyway).`,
  executions: `landfall executions [ls | show ID [--json] [--history]]

  ls: the local Step Functions executions, newest first. show: one execution (its name, a unique prefix of it,
  its ARN, its run id, or \`latest\`): status, duration, a table of its nodes (status, duration, rows,
  failures, error); --history lists its states.`,
  loads: `landfall loads [ls | retry KEY [--bucket B] [--print-input]]

  ls: the load ledger's quarantine — S3 objects whose own COPY failed (bucket, key, line, column, error); the
  other objects of their batch loaded. retry: load one again once it (or its table) is fixed, through a transform
  run on the running serve (or in this process); --print-input prints that run's input for the Step Functions
  console instead.`,
  replay: 'landfall replay ID   start an execution again with the same input (a new name)',
  redrive: 'landfall redrive ID   RedriveExecution: continue a failed execution at its unsuccessful state (within 14 days)',
  demo: `landfall demo [--keep] [--verbose]

  The whole story on the embedded warehouse: arrival → Step Functions run → failing test → alert email → fix →
  replay. It resets the state folder (default .landfall) first unless --keep; every other command then
  reads the demo's warehouse and executions. --verbose prints every node line and the whole email.`,
  rotate: 'landfall rotate [--month YYYY-MM]   create next month\'s partition tables, refresh views, drop expired months',
  backfill: 'landfall backfill --select MODEL --from YYYY-MM --to YYYY-MM   rebuild months of a partitioned model, tested before publishing',
  grants: 'landfall grants [--stage S] [--region R] [--user NAME]   print the SQL a Redshift admin runs once for a deployed stage',
  doctor: 'landfall doctor [--stage S] [--region R] [--local]   check a deployed stage read-only, one PASS/FAIL/SKIP line per check',
  help: 'landfall help [COMMAND]   the list of commands, or one command\'s usage',
};

const ALIASES: Record<string, string> = { list: 'ls' };

export const COMMON_USAGE = `Common flags:
  --project-dir DIR       the dbt project (default: the folder holding dbt_project.yml, from here upwards; else ./dbt)
  --state-dir DIR         the local state: warehouse, executions, outbox (default .landfall)
${TARGET}
  --database-url URL      a PostgreSQL server instead of the embedded warehouse
  --target-schema NAME    the schema models land in (default: the profile's schema, else analytics)
  --json                  machine-readable output
  --no-color              no colour (also NO_COLOR=1; colour only on a terminal)
  --help/-h               this usage; the command does not run`;

/**
 * The usage of `command`: its entry, or for a command without one (added by another file) its line in the
 * overview, so `--help` never falls through to running it.
 */
export function usageOf(command: string, overview: string): string {
  const entry = COMMAND_USAGE[ALIASES[command] ?? command];
  if (entry) return `Usage: ${entry}\n\n${COMMON_USAGE}\n`;
  const line = overview.split('\n').find((l) => l.trimStart().startsWith(`${command} `) || l.trim() === command);
  return `Usage: landfall ${line ? line.trim() : `${command} [flags]`}\n\n${COMMON_USAGE}\n`;
}

/** `--help` or `-h` before a `--` (everything after `--` is positional). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
