/**
 * `landfall rotate [--month YYYY-MM] [--select MODEL …]` and
 * `landfall backfill --select MODEL --from YYYY-MM --to YYYY-MM [--threads N]`: monthly partition
 * maintenance by hand, on the local warehouse (or Redshift, like `landfall build`). They call the same
 * core functions as the rotation state machine's tasks.
 */
import { compileManifest, readProjectFiles } from '../engine/compile';
import { dialects, type Manifest, type Target } from '../engine';
import { parseMonth, type Month, monthOf } from '../engine/materializations/partitioned/months';
import { localTarget } from '../local/local-warehouse';
import { backfillPartitionedModel } from '../partitions/backfill';
import { PartitionError } from '../partitions/errors';
import { rotateMonthlyPartitions } from '../partitions/rotation';
import { commonOptions, openCliWarehouse, type CommonOptions } from './command-context';
import { parseFlags, parseVars, selectors, UsageError } from './options';

function monthFlag(value: unknown, flag: string): Month {
  const text = String(value);
  try {
    parseMonth(text);
  } catch {
    throw new UsageError(`${flag} must be a month written YYYY-MM (e.g. 2026-11), got ${text}`);
  }
  return text;
}

// The same target rule as `landfall build`: Redshift when the environment names a cluster or workgroup.
function compileFor(options: CommonOptions, vars: Record<string, unknown>): Manifest {
  const redshift = Boolean(process.env.LANDFALL_REDSHIFT_CLUSTER || process.env.LANDFALL_REDSHIFT_WORKGROUP) && process.env.LANDFALL_DIALECT !== 'postgres';
  const target: Target = redshift
    ? { name: 'prod', type: 'redshift', schema: options.targetSchema ?? process.env.LANDFALL_TARGET_SCHEMA ?? 'analytics', database: process.env.LANDFALL_REDSHIFT_DATABASE ?? 'dev' }
    : localTarget({ schema: options.targetSchema });
  return compileManifest(readProjectFiles(options.projectDir), { target, cliVars: vars });
}

/**
 * @example
 * await rotateCommand(['--month', '2026-12']) // 0 when every partitioned model rotated
 */
export async function rotateCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { month: { type: 'string' }, select: { type: 'string', short: 's', multiple: true }, vars: { type: 'string' } });
  const options = commonOptions(values);
  const month = values.month === undefined ? monthOf(new Date()) : monthFlag(values.month, '--month');
  const manifest = compileFor(options, parseVars(values.vars as string | undefined));
  const { warehouse, close } = await openCliWarehouse(options);
  try {
    const results = await rotateMonthlyPartitions({ manifest, dialect: dialects[manifest.target.type], warehouse, month, models: selectors(values.select as string[] | undefined) });
    if (options.json) process.stdout.write(`${JSON.stringify({ month, results }, null, 2)}\n`);
    else {
      process.stdout.write(`Rotating monthly partitions for ${month}\n`);
      for (const r of results) {
        const what = r.status === 'failed' ? `FAILED: ${r.error}`
          : r.status === 'unchanged' ? 'already rotated'
            : [r.created.length ? `created ${r.created.join(', ')}` : '', r.dropped.length ? `${r.archivedTo ? `archived to ${r.archivedTo.join(', ')} and ` : ''}dropped ${r.dropped.join(', ')}` : ''].filter(Boolean).join('; ');
        process.stdout.write(`  ${r.model.padEnd(32)} ${what}\n`);
      }
    }
    return results.some((r) => r.status === 'failed') ? 1 : 0;
  } catch (error) {
    if (error instanceof PartitionError) throw new UsageError(error.message);
    throw error;
  } finally {
    await close();
  }
}

/**
 * @example
 * await backfillCommand(['--select', 'fct_transfers', '--from', '2025-01', '--to', '2025-06', '--threads', '3'])
 */
export async function backfillCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    select: { type: 'string', short: 's', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    threads: { type: 'string' },
    vars: { type: 'string' },
  });
  const options = commonOptions(values);
  const models = selectors(values.select as string[] | undefined);
  if (models.length !== 1) throw new UsageError('backfill needs exactly one model: --select MODEL');
  if (values.from === undefined || values.to === undefined) throw new UsageError('backfill needs --from YYYY-MM and --to YYYY-MM');
  const from = monthFlag(values.from, '--from');
  const to = monthFlag(values.to, '--to');
  const threads = values.threads === undefined ? 4 : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 32) throw new UsageError(`--threads must be an integer from 1 to 32, got ${String(values.threads)}`);
  const manifest = compileFor(options, parseVars(values.vars as string | undefined));
  const { warehouse, close } = await openCliWarehouse(options);
  try {
    const started = Date.now();
    const result = await backfillPartitionedModel({ model: models[0]!, from, to, concurrency: threads }, { manifest, dialect: dialects[manifest.target.type], warehouse });
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      process.stdout.write(`Backfill of ${result.model}, ${from} to ${to} (${threads} at once)\n`);
      for (const m of result.months) {
        process.stdout.write(`  ${m.month}  ${m.status === 'published' ? 'published' : `NOT published (${m.failedAt} failed): ${m.error}`}\n`);
      }
      const published = result.months.filter((m) => m.status === 'published').length;
      process.stdout.write(`${published} of ${result.months.length} months published in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    }
    return result.failed ? 1 : 0;
  } catch (error) {
    if (error instanceof PartitionError) throw new UsageError(error.message);
    throw error;
  } finally {
    await close();
  }
}
