/**
 * Which SQL dialect the local stack speaks: `LANDFALL_LOCAL_DIALECT=redshift` compiles and runs the project in the
 * Redshift dialect (as deployed) and makes the local Data API strict (it refuses what Redshift refuses, see
 * redshift-strict.ts); `postgres` (the default) keeps the PostgreSQL dialect, whose SQL only PostgreSQL runs.
 */
export type LocalDialect = 'postgres' | 'redshift';

/**
 * @example
 * localDialect({ LANDFALL_LOCAL_DIALECT: 'redshift' }) // 'redshift'
 */
export function localDialect(env: Record<string, string | undefined> = process.env): LocalDialect {
  const value = (env.LANDFALL_LOCAL_DIALECT ?? 'postgres').trim().toLowerCase() || 'postgres';
  if (value !== 'postgres' && value !== 'redshift') {
    throw new Error(`LANDFALL_LOCAL_DIALECT must be 'postgres' or 'redshift', got '${env.LANDFALL_LOCAL_DIALECT}'`);
  }
  return value;
}
