/**
 * What a dbt 1.10 project may say that landfall parses but does not act on: each gives a warning at parse, so
 * nothing is ignored silently. (What landfall cannot run at all, such as microbatch incrementals, fails the parse
 * instead: config-levels.ts.) dbt itself warns about unknown top-level YAML keys (its CustomTopLevelKeyDeprecation).
 */
import type { Manifest } from '../manifest';
import type { ProjectFiles } from './project-files';

/** The top-level keys of a dbt 1.10 properties file that landfall reads. */
const READ_KEYS = new Set(['version', 'models', 'seeds', 'sources', 'snapshots', 'unit_tests', 'exposures', 'semantic_models', 'metrics', 'saved_queries']);
/** Keys dbt reads that change nothing landfall builds: documentation of macros and analyses. */
const DOCS_ONLY_KEYS = new Set(['macros', 'analyses']);

/**
 * @example
 * ignoredSettingWarnings(files, manifest) // ["models/_groups.yml: `groups:` … not enforced", …]
 */
export function ignoredSettingWarnings(files: ProjectFiles, manifest: Pick<Manifest, 'models' | 'seeds'>): string[] {
  const warnings: string[] = [];
  for (const project of [files, ...(files.packages ?? [])]) {
    for (const { file, content } of project.properties) {
      for (const key of Object.keys(content ?? {})) {
        if (READ_KEYS.has(key) || DOCS_ONLY_KEYS.has(key)) continue;
        warnings.push(key === 'groups'
          ? `${file}: \`groups:\` is not enforced by landfall (a ref to another group's private model builds, where dbt fails)`
          : `${file}: unexpected top-level key \`${key}\`, ignored (dbt 1.10 warns about it too)`);
      }
    }
  }
  const nodes = [...Object.values(manifest.models), ...Object.values(manifest.seeds)];
  const persisting = nodes.filter((n) => {
    const docs = n.config.persist_docs as { relation?: unknown; columns?: unknown } | undefined;
    return docs !== undefined && docs !== null && (docs.relation === true || docs.columns === true);
  });
  if (persisting.length > 0) {
    warnings.push(`persist_docs is not applied by landfall yet: no COMMENT ON is run for ${persisting.length} node(s) (${persisting.slice(0, 3).map((n) => n.origin.file).join(', ')}${persisting.length > 3 ? ', …' : ''})`);
  }
  const grouped = nodes.filter((n) => n.config.access === 'private' || n.config.group !== undefined);
  if (grouped.length > 0) {
    warnings.push(`model access and groups are not enforced by landfall: ${grouped.length} node(s) set access or group (${grouped.slice(0, 3).map((n) => n.origin.file).join(', ')}${grouped.length > 3 ? ', …' : ''})`);
  }
  return warnings;
}
