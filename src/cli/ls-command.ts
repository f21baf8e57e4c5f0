/**
 * `landfall ls`, as dbt's: the selected nodes by fully qualified name (default, `--output selector`), or
 * `--output name|path|json` with `--output-keys` choosing the JSON keys; `--json` keeps landfall's short form.
 */
import { buildGraph, selectNodes } from '../engine';
import { selectWithSelector } from '../engine/graph/selectors-file';
import { fqnOf } from '../engine/graph/select';
import { dbtResourceType, type Manifest } from '../engine/manifest';
import { commonOptions, compileFrom } from './command-context';
import { parseFlags, parseVars, selectors, UsageError } from './options';
import { loadSelectionState } from './state-flags';
import { didYouMean } from './suggest';

type ListedNode = ReturnType<typeof buildGraph>['nodes'] extends Map<string, infer N> ? N : never;

const OUTPUTS = ['selector', 'name', 'path', 'json'];

/** dbt's JSON keys for `ls --output json`, as far as landfall's manifest holds them. */
function jsonOf(node: ListedNode, manifest: Manifest): Record<string, unknown> {
  const n = node as ListedNode & { origin?: { file: string }; packageName?: string; relation?: { schema: string; identifier: string }; config?: { materialized?: string; tags?: string[] }; tags?: string[]; dependsOn?: string[] };
  return {
    name: n.name,
    resource_type: dbtResourceType(node),
    package_name: n.packageName ?? (n.uniqueId.split('.')[1] ?? manifest.projectName),
    original_file_path: n.origin?.file ?? null,
    unique_id: n.uniqueId,
    alias: n.relation?.identifier ?? null,
    schema: n.relation?.schema ?? null,
    materialized: n.config?.materialized ?? null,
    tags: n.tags ?? n.config?.tags ?? [],
    depends_on: { nodes: n.dependsOn ?? [] },
  };
}

export function lsCommand(args: string[]): number {
  const { values, positionals } = parseFlags(args, {
    select: { type: 'string', short: 's', multiple: true },
    exclude: { type: 'string', multiple: true },
    selector: { type: 'string' },
    'resource-type': { type: 'string' },
    vars: { type: 'string' },
    state: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'output-keys': { type: 'string', multiple: true },
  }, true);
  const output = (values.output as string | undefined) ?? 'selector';
  if (!OUTPUTS.includes(output)) throw new UsageError(`--output takes ${OUTPUTS.join(', ')}; got '${output}'${didYouMean(output, OUTPUTS)}`);
  const options = commonOptions(values);
  const manifest = compileFrom(options, parseVars(values.vars as string | undefined));
  const graph = buildGraph(manifest);
  if (values.state !== undefined) graph.state = { ...loadSelectionState(String(values.state)), current: manifest };
  const select = [...selectors(values.select as string[] | undefined), ...positionals];
  const selected = values.selector !== undefined
    ? selectWithSelector(graph, manifest.selectors ?? [], String(values.selector))
    : selectNodes(graph, select, selectors(values.exclude as string[] | undefined));
  // As dbt's: analyses only with `--resource-type analysis` (or `all`).
  const type = values['resource-type'] as string | undefined;
  const nodes = [...selected].map((id) => graph.nodes.get(id)!)
    .filter((n) => (type === undefined ? dbtResourceType(n) !== 'analysis' : type === 'all' || dbtResourceType(n) === type));
  nodes.sort((a, b) => a.uniqueId.localeCompare(b.uniqueId));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (nodes.length === 0 && select.length > 0 && !options.json) {
    const unknown = (require('./compile-select') as typeof import('./compile-select')).unknownNamesInSelection(manifest, select);
    if (unknown) process.stderr.write(`landfall ls: ${unknown}\n`);
  }
  if (options.json) {
    for (const n of nodes) out(JSON.stringify({ unique_id: n.uniqueId, resource_type: dbtResourceType(n), name: n.name }));
    return 0;
  }
  const keys = selectors(values['output-keys'] as string[] | undefined).flatMap((k) => k.split(','));
  if (keys.length > 0 && output !== 'json') throw new UsageError('--output-keys goes with --output json');
  for (const n of nodes) {
    if (output === 'name') out(n.name);
    else if (output === 'path') out((n as { origin?: { file: string } }).origin?.file ?? n.uniqueId);
    else if (output === 'json') {
      const all = jsonOf(n, manifest);
      const unknownKey = keys.find((k) => !(k in all));
      if (unknownKey) throw new UsageError(`--output-keys: no key '${unknownKey}'${didYouMean(unknownKey, Object.keys(all))}; keys: ${Object.keys(all).join(', ')}`);
      out(JSON.stringify(keys.length ? Object.fromEntries(keys.map((k) => [k, all[k]])) : all));
    } else {
      // dbt prints the fully qualified name: package, folders, name (`source:` + package, source, table).
      // Exposures, semantic models, metrics and saved queries print as their selector: `exposure:pkg.name`.
      out('properties' in n ? `${n.resourceType}:${n.packageName}.${n.name}` : `${n.resourceType === 'source' ? 'source:' : ''}${fqnOf(n).join('.')}`);
    }
  }
  return 0;
}
