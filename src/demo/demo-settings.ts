/** The generators' options checked and completed (defaults, whole-second `asOf`), and the seeds of their PRNG streams. */
import { DEFAULT_DEMO_VOLUMES, MAX_DEMO_STATEMENT_BYTES, type DemoDataOptions, type DemoDataVolumes } from './demo-data-types';
import { DemoDataError } from './sql-values';

export interface Settings {
  asOf: Date;
  seed: number;
  schema: string;
  plantDataQualityIssue: boolean;
  volumes: DemoDataVolumes;
  maxStatementBytes: number;
}

export function resolveSettings(options: DemoDataOptions): Settings {
  if (!(options.asOf instanceof Date) || Number.isNaN(options.asOf.getTime())) {
    throw new DemoDataError('asOf must be a valid Date');
  }
  const schema = options.schema ?? 'raw';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new DemoDataError(`schema must be a lowercase SQL identifier, got ${JSON.stringify(schema)}`);
  }
  const maxStatementBytes = options.maxStatementBytes ?? 64 * 1024;
  if (maxStatementBytes > MAX_DEMO_STATEMENT_BYTES) {
    throw new DemoDataError(`maxStatementBytes must be at most ${MAX_DEMO_STATEMENT_BYTES}, got ${maxStatementBytes}`);
  }
  const seed = options.seed ?? 42;
  if (!Number.isInteger(seed)) throw new DemoDataError(`seed must be an integer, got ${seed}`);
  const volumes = { ...DEFAULT_DEMO_VOLUMES, ...options.volumes };
  if (volumes.users < 1) throw new DemoDataError('volumes.users must be at least 1');
  return {
    // Whole seconds, so every timestamp written is exact.
    asOf: new Date(Math.floor(options.asOf.getTime() / 1000) * 1000),
    seed,
    schema,
    plantDataQualityIssue: options.plantDataQualityIssue ?? false,
    volumes,
    maxStatementBytes,
  };
}

/** One independent PRNG stream per table, so changing one table's volume leaves the others unchanged. */
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream, 0xc2b2ae35)) >>> 0;
}
