/**
 * `landfall compile -s MODEL` and `landfall show`: a node's compiled SQL printed and written where dbt writes it,
 * and a preview of its rows; `--inline "SQL"` for a query written on the command line (refs, sources and macros
 * of the project). Also the "did you mean" for a selection that matched nothing because a name is unknown.
 */
import { buildGraph, selectNodes, type Manifest } from '../engine';
import type { ModelNode, TestNode } from '../engine/manifest';
import { formatTextTable } from '../alerts/text-table';
import { runQuery } from '../engine/warehouse/run-query';
import { commonOptions, compileFrom, openCliWarehouse } from './command-context';
import { compileNodeSql, targetPathOf, writeTargetFile } from './compiled-sql';
import { parseFlags, parseVars, selectors, UsageError } from './options';
import { closestNames } from './suggest';

/**
 * Why a selection matched nothing, when it is because of a name no node has: `'stg_ordrs' matches no node (did
 * you mean stg_orders?)`. Undefined when every name exists (the selection is just empty).
 */
export function unknownNamesInSelection(manifest: Manifest, select: string[]): string | undefined {
  const graph = buildGraph(manifest);
  const names = [...graph.nodes.values()].map((n) => n.name);
  const known = new Set(names);
  const problems: string[] = [];
  for (const spec of select.flatMap((s) => s.split(/[\s,]+/))) {
    const name = spec.replace(/^(\d*\+|@)/, '').replace(/\+\d*$/, '');
    if (name === '' || name.includes(':') || name.includes('*') || name.includes('/') || known.has(name)) continue;
    const close = closestNames(name, names);
    problems.push(`'${name}' matches no node${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`);
  }
  return problems.length ? `the selection matched nothing: ${problems.join('; ')}` : undefined;
}

/** The models (and tests) a `--select` names, or a usage error that says which names are unknown. */
function selectedNodes(manifest: Manifest, select: string[], exclude: string[]): (ModelNode | TestNode)[] {
  const ids = selectNodes(buildGraph(manifest), select, exclude);
  const nodes = [...ids].flatMap((id) => manifest.models[id] ?? manifest.tests[id] ?? []);
  if (nodes.length === 0) throw new UsageError(unknownNamesInSelection(manifest, select) ?? `--select ${select.join(' ')} matched no model or test`);
  return nodes.sort((a, b) => a.uniqueId.localeCompare(b.uniqueId));
}

/** A model-shaped node holding SQL from the command line, rendered in the root project's context. */
function inlineNode(manifest: Manifest, sql: string): ModelNode {
  const anyModel = Object.values(manifest.models)[0];
  return {
    uniqueId: `sql_operation.${manifest.projectName}.inline_query`,
    resourceType: 'model',
    name: 'inline_query',
    packageName: manifest.projectName,
    origin: { file: 'inline' },
    rawSql: sql,
    relation: { ...(anyModel?.relation ?? { database: manifest.target.database, schema: manifest.target.schema }), identifier: 'inline_query' } as ModelNode['relation'],
    config: { ...(anyModel?.config ?? {}), materialized: 'view' } as ModelNode['config'],
    dependsOn: [],
    path: '',
  };
}

/** `compile --select …` (called by main.ts's compile after the artifact is written) or `compile --inline`. */
export function printCompiledSelection(manifest: Manifest, projectDir: string, options: { select: string[]; exclude: string[]; inline?: string; vars: Record<string, unknown>; json: boolean }): number {
  const out = (s: string) => process.stdout.write(s);
  if (options.inline !== undefined) {
    const sql = compileNodeSql(manifest, inlineNode(manifest, options.inline), options.vars);
    out(options.json ? `${JSON.stringify({ compiled: sql })}\n` : `Compiled inline node is:\n${sql.trim()}\n`);
    return 0;
  }
  const nodes = selectedNodes(manifest, options.select, options.exclude);
  const compiled = nodes.map((node) => {
    const sql = compileNodeSql(manifest, node, options.vars);
    return { node, sql, file: writeTargetFile(projectDir, targetPathOf(node, 'compiled'), sql) };
  });
  if (options.json) {
    for (const c of compiled) out(`${JSON.stringify({ unique_id: c.node.uniqueId, path: c.file, compiled: c.sql })}\n`);
    return 0;
  }
  // Like dbt: `-s model` selects its tests too; they are written, and printed only when no model is selected.
  const printed = compiled.some((c) => c.node.resourceType === 'model') ? compiled.filter((c) => c.node.resourceType === 'model') : compiled;
  for (const c of printed) {
    out(`\nCompiled node '${c.node.name}' is:   (${c.file})\n${c.sql.trim()}\n`);
    if (c.node.resourceType === 'model' && c.node.config.materialized === 'incremental') out('(is_incremental() is false here: compile does not look at the warehouse; `landfall build` does)\n');
  }
  return 0;
}

/** `landfall show -s MODEL [--limit N]` / `show --inline "SQL"`: the compiled SQL run with a limit, rows printed. */
export async function showCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    select: { type: 'string', short: 's', multiple: true },
    inline: { type: 'string' },
    limit: { type: 'string' },
    vars: { type: 'string' },
  });
  const options = commonOptions(values);
  const limit = values.limit === undefined ? 5 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got ${String(values.limit)}`);
  const select = selectors(values.select as string[] | undefined);
  if ((select.length === 0) === (values.inline === undefined)) throw new UsageError('show takes --select MODEL or --inline "SQL" (one of the two)');
  const vars = parseVars(values.vars as string | undefined);
  const manifest = compileFrom(options, vars);
  let name: string;
  let sql: string;
  if (values.inline !== undefined) {
    name = 'inline';
    sql = compileNodeSql(manifest, inlineNode(manifest, String(values.inline)), vars);
  } else {
    const models = selectedNodes(manifest, select, []).filter((n): n is ModelNode => n.resourceType === 'model');
    if (models.length !== 1) throw new UsageError(`show previews one model; --select ${select.join(' ')} matched ${models.length}: ${models.map((m) => m.name).join(', ')}`);
    name = models[0]!.name;
    sql = compileNodeSql(manifest, models[0]!, vars);
  }
  const { warehouse, close } = await openCliWarehouse(options);
  try {
    const body = sql.trim().replace(/;\s*$/, '');
    const result = await runQuery(warehouse, `select * from (\n${body}\n) as landfall_show limit ${limit}`);
    const rows = result.rows;
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ node: name, rows: rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]]))) })}\n`);
    } else {
      process.stdout.write(`Previewing node '${name}':\n${formatTextTable({ columns: result.columns.map((c) => c.name), rows })}\n(${rows.length} row${rows.length === 1 ? '' : 's'}, limit ${limit})\n`);
    }
    return 0;
  } finally {
    await close();
  }
}
