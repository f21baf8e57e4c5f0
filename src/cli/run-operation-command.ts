/**
 * `landfall run-operation MACRO --args '{…}'`: dbt's run-operation. The macro is called with the arguments (a YAML or
 * JSON mapping) as keywords; as in dbt its rendered text is discarded and only what it runs (`run_query`,
 * `{% call statement %}`, `adapter` methods) reaches the warehouse, through the run-time query mechanism of a run
 * with a single operation node. Exit code 1 when the macro fails.
 */
import { dialects, type Manifest, type RunState } from '../engine';
import { FINISHED_STATUSES } from '../engine/run/run-state';
import { commonOptions, compileFrom, openCliWarehouse } from './command-context';
import { runPlannedToCompletion } from './local-build';
import { parseFlags, parseMappingFlag, parseVars, UsageError } from './options';

const ARGS_VAR = '__landfall_run_operation_args';
const MACRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** `--args '{table: x, n: 3}'`: a mapping, or a clear error. */
export function parseOperationArgs(text: string | undefined): Record<string, unknown> {
  return parseMappingFlag('--args', text, '{table: orders, days: 3}');
}

/** The manifest and planned run that call `macro(**args)` once. */
export function operationRun(manifest: Manifest, macro: string, args: Record<string, unknown>, runId: string, vars: Record<string, unknown> = {}): { manifest: Manifest; state: RunState } {
  if (!MACRO_NAME.test(macro)) throw new UsageError(`run-operation takes a macro name (name or package.name), got '${macro}'`);
  const project = manifest.projectName;
  return {
    manifest: { ...manifest, projectHooks: { 'on-run-start': [`{% do ${macro}(**var('${ARGS_VAR}')) %}`], 'on-run-end': [] } },
    state: {
      runId, command: 'run', startedAt: new Date().toISOString(), fullRefresh: false, vars: { ...vars, [ARGS_VAR]: args }, concurrency: 1,
      nodes: [{ id: `operation.${project}.run-operation.${macro}`, kind: 'operation', name: macro, dependsOn: [], status: 'pending', hook: { type: 'on-run-start', index: 0 } }],
      existing: {}, iterations: 0, waitSeconds: 0, done: false,
    },
  };
}

export async function runOperationCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { args: { type: 'string' }, vars: { type: 'string' } }, true);
  if (positionals.length !== 1) throw new UsageError("run-operation takes one macro name, e.g. landfall run-operation grant_select --args '{role: reporter}'");
  const options = commonOptions(values);
  const vars = parseVars(values.vars as string | undefined);
  const manifest = compileFrom(options, vars);
  const run = operationRun(manifest, positionals[0]!, parseOperationArgs(values.args as string | undefined), `cli-op-${Date.now()}-${process.pid}`, vars);
  const { warehouse, close } = await openCliWarehouse(options, 1);
  let state: RunState;
  try {
    state = await runPlannedToCompletion(run.manifest, run.state, { dialect: dialects[manifest.target.type], warehouse });
  } finally {
    await close();
  }
  const node = state.nodes[0]!;
  const ok = FINISHED_STATUSES.has(node.status) && node.status === 'success';
  if (options.json) process.stdout.write(`${JSON.stringify({ macro: positionals[0], success: ok, error: node.error ?? null })}\n`);
  else if (!ok) process.stderr.write(`Encountered an error while running operation: ${node.error ?? node.status}\n`);
  return ok ? 0 : 1;
}
