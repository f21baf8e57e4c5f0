/** Where a run builds: the dialect and the schema models land in (dbt's `target`). */
export type DialectName = 'postgres' | 'redshift';

export interface Target {
  /** dbt's `target.name`, e.g. `dev`, `prod`, `local`. */
  name: string;
  type: DialectName;
  schema: string;
  database: string;
}
