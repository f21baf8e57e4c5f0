/** What every artifact shares: dbt's `metadata` block and relation names. */
import type { Manifest, Relation } from '../engine/manifest';

/**
 * The dbt-core version whose artifact schemas landfall writes (manifest v12, run_results v6, sources v3, catalog v1
 * are the schemas of dbt-core 1.8–1.11). Consumers read `dbt_schema_version`; a few print this.
 */
export const DBT_VERSION = '1.10.0';

export interface ArtifactMetadataInput {
  /** dbt's `invocation_id`: landfall's run id (the execution name in AWS). */
  invocationId: string;
  generatedAt: Date;
  invocationStartedAt?: Date;
  /** dbt's `metadata.env` (strings only): landfall's facts about the run, `LANDFALL_*`. */
  env?: Record<string, string>;
}

export function artifactMetadata(schema: string, input: ArtifactMetadataInput): Record<string, unknown> {
  return {
    dbt_schema_version: schema,
    dbt_version: DBT_VERSION,
    generated_at: input.generatedAt.toISOString(),
    invocation_id: input.invocationId,
    invocation_started_at: (input.invocationStartedAt ?? input.generatedAt).toISOString(),
    env: input.env ?? {},
  };
}

function quoted(part: string): string {
  return `"${part.replace(/"/g, '""')}"`;
}

/** dbt's `relation_name`: `"database"."schema"."identifier"` (every part quoted, as dbt-postgres/dbt-redshift print it). */
export function relationName(manifest: Pick<Manifest, 'target'>, relation: Relation): string {
  return [relation.database ?? manifest.target.database, relation.schema, relation.identifier].map(quoted).join('.');
}
