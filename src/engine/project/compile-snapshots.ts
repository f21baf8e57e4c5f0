/**
 * Parse time for snapshots: `{% snapshot name %}…{% endsnapshot %}` blocks in the snapshot paths' SQL files, and
 * dbt 1.9's YAML snapshots (`snapshots:` entries with `relation: ref('x')` or `source('s', 't')`). Each becomes a
 * model node materialized `snapshot` with dbt's id `snapshot.<package>.<name>` (the plan: materializations/snapshot.ts).
 * Configs: `snapshots:` folder configs of dbt_project.yml < the YAML entry's `config` < the block's `config()`.
 * Every config the materialization needs is checked here, so a snapshot that cannot run fails the parse.
 */
import path from 'node:path';
import { ProjectError, lineOf } from '../errors';
import type { ModelNode } from '../manifest';
import { namingNode } from './custom-naming';
import type { SqlFile } from './project-files';
import { escapeRegex, folderConfigResolver, mergeConfigLevels, normalizeConfig } from './config-levels';
import type { ParseSession, ProjectScope } from './parse-session';
import { snapshotSettings } from '../materializations/snapshot-config';

const BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;

interface SnapshotEntry {
  name: string;
  relation?: string;
  config?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The snapshots of one project; returns their `ref()` calls, resolved once every project's nodes are known. */
export function addSnapshots(session: ParseSession, scope: ProjectScope): { model: ModelNode; name: string }[] {
  const { packageName, files } = scope;
  const folderConfig = folderConfigResolver(files.project.snapshots as Record<string, unknown> | undefined, packageName);
  const entries = new Map<string, { file: string; entry: SnapshotEntry }>();
  for (const { file, content } of files.properties) {
    const list = (content as { snapshots?: unknown }).snapshots;
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new ProjectError(file, '`snapshots:` must be a list of entries with a name');
    for (const entry of list as SnapshotEntry[]) {
      if (!entry || typeof entry.name !== 'string') throw new ProjectError(file, 'a `snapshots:` entry has no name');
      entries.set(entry.name, { file, entry });
    }
  }
  const defined = new Map<string, string>();
  const pending: { model: ModelNode; name: string }[] = [];
  const add = (name: string, body: SqlFile, relative: string, line: number | undefined) => {
    if (defined.has(name)) throw new ProjectError(body.file, `two snapshots are named '${name}' (the other is in ${defined.get(name)}); snapshot names must be unique`, line);
    defined.set(name, body.file);
    const levels = [folderConfig(relative), entries.get(name)?.entry.config ?? {}];
    const calls = session.sqlCalls(body, scope, name, (own) => mergeConfigLevels([...levels, own]));
    const merged = mergeConfigLevels([...levels, calls.config]);
    if (merged.enabled === false) {
      session.disabledNames.add(name);
      return;
    }
    const where = line === undefined ? body.file : `${body.file}:${line}`;
    const settings = snapshotSettings(merged, where);
    const config = { ...normalizeConfig({ ...merged, materialized: 'table' }, body.file), materialized: 'snapshot' as const, ...settings };
    const sourceIds = calls.sources.map((s) => session.resolveSource(s.sourceName, s.tableName, packageName, body.file, body.text));
    const node = namingNode('model', packageName, name, body.file, relative, config);
    // dbt < 1.9's `target_schema` is the schema itself; otherwise the `schema` config through generate_schema_name.
    const schema = typeof merged.target_schema === 'string' ? merged.target_schema : session.schemaFor(config.schema, node);
    const model: ModelNode = {
      uniqueId: `snapshot.${packageName}.${name}`,
      resourceType: 'model',
      name,
      packageName,
      origin: { file: body.file, ...(line !== undefined ? { line } : {}) },
      rawSql: body.text,
      relation: { schema, identifier: session.aliasFor(merged.alias, node) },
      config,
      dependsOn: [...new Set(sourceIds)],
      path: path.dirname(relative) === '.' ? '' : path.dirname(relative),
    };
    session.models[model.uniqueId] = model;
    session.addRelationName(name, packageName, model.uniqueId);
    for (const r of new Set(calls.refs)) pending.push({ model, name: r });
  };

  for (const file of files.snapshots ?? []) {
    let found = 0;
    for (const match of file.text.matchAll(BLOCK)) {
      found++;
      const line = file.text.slice(0, match.index).split('\n').length;
      // Keep the block's lines where they were, so render errors point at the file's own line numbers.
      const body = `${'\n'.repeat(line - 1)}${match[2]!}`;
      add(match[1]!, { file: file.file, relative: file.relative, text: body }, file.relative, line);
    }
    if (found === 0 && /\{%-?\s*snapshot\b/.test(file.text)) throw new ProjectError(file.file, '`{% snapshot %}` block without a matching `{% endsnapshot %}`');
    if (found === 0 && file.text.trim() !== '') {
      throw new ProjectError(file.file, 'a SQL file in a snapshot path must hold `{% snapshot name %}…{% endsnapshot %}` blocks (dbt 1.9 YAML snapshots go in a .yml file)');
    }
  }
  for (const [name, { file, entry }] of entries) {
    if (entry.relation === undefined) continue; // properties (description, columns, config) of a SQL snapshot
    const text = scope.textOf(file);
    const line = lineOf(text, new RegExp(`name:\\s*['"]?${escapeRegex(name)}['"]?\\s*$`, 'm'));
    const relation = String(entry.relation).trim().replace(/^\{\{([\s\S]*)\}\}$/, '$1').trim();
    if (!/^(ref|source)\s*\(/.test(relation)) throw new ProjectError(file, `snapshot '${name}': relation must be ref('…') or source('…', '…'), got '${String(entry.relation)}'`, line);
    add(name, { file, relative: path.basename(file), text: `select * from {{ ${relation} }}` }, path.basename(file), line);
  }
  // Properties for a snapshot that does not exist are ignored, as dbt only warns about them.
  return pending;
}
