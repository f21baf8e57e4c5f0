/**
 * `landfall source freshness [--select …] [--json]`: dbt's `dbt source freshness` on the local warehouse
 * (or Redshift, like `landfall build`). Exit code 1 when any source is stale past `error_after` or its
 * query failed; warnings keep 0.
 */
import { buildGraph, selectNodes } from '../engine';
import { checkSourceFreshness } from '../engine/freshness/check-freshness';
import type { FreshnessResult } from '../engine/freshness/freshness';
import { selectWithSelector } from '../engine/graph/selectors-file';
import { writeTargetArtifacts } from '../artifacts/target-files';
import { commonOptions, compileFrom, openCliWarehouse } from './command-context';
import { parseFlags, parseVars, selectors, UsageError } from './options';

const LABELS: Record<FreshnessResult['status'], string> = { pass: 'PASS', warn: 'WARN', error: 'ERROR STALE', 'runtime error': 'ERROR' };

/**
 * @example
 * await sourceCommand(['freshness', '--select', 'source:app+']) // 0 when nothing is stale past error_after
 */
export async function sourceCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'freshness') throw new UsageError(`unknown source subcommand '${subcommand ?? ''}' (known: freshness)`);
  const { values } = parseFlags(rest, {
    select: { type: 'string', short: 's', multiple: true },
    exclude: { type: 'string', multiple: true },
    selector: { type: 'string' },
    vars: { type: 'string' },
  });
  const options = commonOptions(values);
  const manifest = compileFrom(options, parseVars(values.vars as string | undefined));
  const graph = buildGraph(manifest);
  const selected = values.selector !== undefined
    ? selectWithSelector(graph, manifest.selectors ?? [], String(values.selector))
    : selectNodes(graph, selectors(values.select as string[] | undefined), selectors(values.exclude as string[] | undefined));
  const sourceIds = [...selected].filter((id) => id in manifest.sources);
  const started = Date.now();
  const { warehouse, close } = await openCliWarehouse(options);
  let results: FreshnessResult[];
  try {
    results = await checkSourceFreshness(manifest, warehouse, sourceIds);
  } finally {
    await close();
  }
  const elapsed = (Date.now() - started) / 1000;
  writeTargetArtifacts({ projectDir: options.projectDir, manifest, invocationId: `freshness-${started}`, startedAt: new Date(started), freshness: { results, elapsedSeconds: elapsed } });
  if (options.json) process.stdout.write(`${JSON.stringify(freshnessJson(results, elapsed), null, 2)}\n`);
  else process.stdout.write(formatFreshness(results, elapsed));
  return results.some((r) => r.status === 'error' || r.status === 'runtime error') ? 1 : 0;
}

/** dbt's `sources.json` results, simplified. */
export function freshnessJson(results: FreshnessResult[], elapsedSeconds: number) {
  return {
    elapsed_time: elapsedSeconds,
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status,
      max_loaded_at: r.maxLoadedAt ?? null,
      snapshotted_at: r.snapshottedAt ?? null,
      max_loaded_at_time_ago_in_s: r.ageSeconds ?? null,
      criteria: { warn_after: r.criteria.warn_after ?? null, error_after: r.criteria.error_after ?? null, filter: r.criteria.filter ?? null },
      ...(r.error ? { error: r.error } : {}),
    })),
  };
}

/** The lines dbt prints: one per source with its status, then the totals. */
export function formatFreshness(results: FreshnessResult[], elapsedSeconds: number): string {
  if (results.length === 0) return 'Nothing to do: no selected source has a loaded_at_field and freshness thresholds.\n';
  const total = results.length;
  const lines = results.map((r, i) => {
    const label = LABELS[r.status];
    const left = `${i + 1} of ${total} ${label} freshness of ${r.sourceName}.${r.tableName} `;
    const line = `${left.padEnd(68, '.')} [${label}]`;
    return r.error ? `${line}\n  ${r.error}` : line;
  });
  const count = (status: FreshnessResult['status']) => results.filter((r) => r.status === status).length;
  lines.push('', `Finished running ${total} source${total === 1 ? '' : 's'} in ${elapsedSeconds.toFixed(2)}s.`,
    `Done. PASS=${count('pass')} WARN=${count('warn')} ERROR=${count('error') + count('runtime error')} SKIP=0 TOTAL=${total}`);
  return `${lines.join('\n')}\n`;
}
