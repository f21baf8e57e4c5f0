/**
 * dbt's `sources.json` (schema v3, https://schemas.getdbt.com/dbt/sources/v3.json) from `landfall source freshness`:
 * per checked source table its newest load time, the warehouse's clock, the age, the status and the criteria; a
 * table whose query failed (or that has no rows) is a `runtime error` entry, as dbt writes it.
 */
import type { FreshnessResult, FreshnessThreshold } from '../engine/freshness/freshness';
import { artifactMetadata, type ArtifactMetadataInput } from './artifact-metadata';

export const SOURCES_SCHEMA = 'https://schemas.getdbt.com/dbt/sources/v3.json';

export interface SourcesInput extends ArtifactMetadataInput {
  results: FreshnessResult[];
  elapsedSeconds: number;
  /** When the whole check started; each result's timing spans the check (landfall runs the queries as one batch). */
  startedAt?: Date;
}

function threshold(t: FreshnessThreshold | undefined): { count: number | null; period: string | null } | null {
  return t ? { count: t.count ?? null, period: t.period ?? null } : null;
}

/**
 * @example
 * sourcesArtifact({ results, elapsedSeconds: 0.4, invocationId, generatedAt: new Date() }).results[0].status // 'warn'
 */
export function sourcesArtifact(input: SourcesInput): Record<string, unknown> {
  const started = (input.startedAt ?? input.generatedAt).toISOString();
  const ended = input.generatedAt.toISOString();
  return {
    metadata: artifactMetadata(SOURCES_SCHEMA, input),
    results: input.results.map((r, i) => {
      if (r.status === 'runtime error' || r.maxLoadedAt === undefined || r.snapshottedAt === undefined || r.ageSeconds === undefined) {
        return { unique_id: r.uniqueId, error: r.error ?? 'runtime error', status: 'runtime error' };
      }
      return {
        unique_id: r.uniqueId,
        max_loaded_at: r.maxLoadedAt,
        snapshotted_at: r.snapshottedAt,
        max_loaded_at_time_ago_in_s: r.ageSeconds,
        status: r.status,
        criteria: { warn_after: threshold(r.criteria.warn_after), error_after: threshold(r.criteria.error_after), filter: r.criteria.filter ?? null },
        adapter_response: {},
        timing: [
          { name: 'compile', started_at: started, completed_at: started },
          { name: 'execute', started_at: started, completed_at: ended },
        ],
        thread_id: `Thread-${i + 1} (worker)`,
        execution_time: input.elapsedSeconds,
      };
    }),
    elapsed_time: input.elapsedSeconds,
  };
}
