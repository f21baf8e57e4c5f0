/**
 * dbt's analyses: SQL files of the analysis paths (`analyses/` by default), parsed like models (their `ref()` and
 * `source()` calls are checked and put them in the graph), compiled by `landfall compile` to
 * `target/compiled/<project>/analyses/…`, never run. Nothing can `ref()` an analysis. Each is a model-shaped node
 * with dbt's id `analysis.<package>.<name>`, kept apart from the models so no run plans it.
 */
import path from 'node:path';
import { ProjectError } from '../errors';
import type { Manifest, ModelNode } from '../manifest';
import { renderNodeSql } from '../render/render-node';
import { mergeConfigLevels, normalizeConfig } from './config-levels';
import type { ParseSession, ProjectScope } from './parse-session';

/** The project's analyses into `analyses`; returns their `ref()` calls, resolved once every project's nodes are known. */
export function addAnalyses(session: ParseSession, scope: ProjectScope, analyses: Record<string, ModelNode>): { model: ModelNode; name: string }[] {
  const { packageName } = scope;
  const pending: { model: ModelNode; name: string }[] = [];
  for (const file of scope.files.analyses ?? []) {
    const name = path.basename(file.file, '.sql');
    const uniqueId = `analysis.${packageName}.${name}`;
    if (analyses[uniqueId]) throw new ProjectError(file.file, `two analyses are named '${name}' (the other is ${analyses[uniqueId]!.origin.file}); analysis names must be unique`);
    const calls = session.sqlCalls(file, scope, name, (own) => own);
    const config = normalizeConfig({ ...mergeConfigLevels([calls.config]), materialized: 'view' }, file.file);
    if (config.enabled === false) continue;
    const sourceIds = calls.sources.map((s) => session.resolveSource(s.sourceName, s.tableName, packageName, file.file, file.text));
    const model: ModelNode = {
      uniqueId,
      resourceType: 'model',
      name,
      packageName,
      origin: { file: file.file },
      rawSql: file.text,
      relation: { schema: session.inputs.target.schema, identifier: name },
      config,
      dependsOn: [...new Set(sourceIds)],
      path: path.dirname(file.relative) === '.' ? '' : path.dirname(file.relative),
    };
    analyses[uniqueId] = model;
    for (const r of new Set(calls.refs)) pending.push({ model, name: r });
  }
  return pending;
}

/**
 * Each analysis rendered as dbt compiles it, with the path dbt writes it to under the target folder
 * (`compiled/<project>/<file>`). A `run_query` in an analysis fails here: landfall compiles without a warehouse.
 */
export function compiledAnalyses(manifest: Manifest, now = new Date()): { path: string; sql: string }[] {
  return Object.values(manifest.analyses ?? {}).map((node) => ({
    path: `compiled/${node.packageName}/${node.origin.file}`,
    sql: renderNodeSql(manifest, node, { vars: manifest.vars, isIncremental: false, invocationId: 'compile', runStartedAt: now }),
  }));
}
