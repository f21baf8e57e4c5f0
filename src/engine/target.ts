/** Where a run builds: the dialect and the schema models land in (dbt's `target`). */
export type DialectName = 'postgres' | 'redshift';

/**
 * dbt's `target`: the profile output a run uses. The engine receives it as input (the CLI reads
 * `profiles.yml`; the functions their configuration); templates read every field as `target.<name>`.
 */
export interface Target {
  /** dbt's `target.name`, e.g. `dev`, `prod`, `local`. */
  name: string;
  type: DialectName;
  schema: string;
  database: string;
  /** The profile output's `user` (`target.user`); empty when not known. */
  user?: string;
  /** The profile output's `threads` (`target.threads`). */
  threads?: number;
  /** The profile's name (`target.profile_name`). */
  profileName?: string;
  /**
   * Other fields of the profile output as templates see them (`host`, `port`, `sslmode`, …); never secrets
   * (the caller leaves out `password` and keys).
   */
  extra?: Record<string, string | number | boolean>;
}
