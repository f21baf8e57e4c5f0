/**
 * The dbt target of the local warehouse, without the warehouse: commands that only compile (`landfall compile`) name
 * the local target, and loading local-warehouse.ts for it would start the local SQL engine's modules in every process.
 */
import type { Target } from '../engine/target';
import { localDialect } from './sql-engine/local-dialect';

/**
 * The dbt target of the local warehouse: PostgreSQL dialect, schema from the argument, else
 * `LANDFALL_TARGET_SCHEMA`, else `analytics`.
 *
 * @example
 * localTarget({ schema: 'jaffle' }); // { name: 'local', type: 'postgres', schema: 'jaffle', database: 'dev' }
 */
export function localTarget(target: Partial<Target> = {}): Target {
  return {
    name: target.name ?? 'local',
    // LANDFALL_LOCAL_DIALECT=redshift: compiled and run in the Redshift dialect, on a strict local Data API.
    type: target.type ?? localDialect(),
    schema: target.schema ?? process.env.LANDFALL_TARGET_SCHEMA ?? 'analytics',
    database: target.database ?? 'dev',
    // profiles.yml's threads: statements a transform run keeps in flight (src/runtime/run-concurrency.ts).
    ...(target.threads !== undefined ? { threads: target.threads } : {}),
  };
}
