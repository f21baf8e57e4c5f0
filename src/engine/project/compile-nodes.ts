/**
 * Parse time for one project (the root or a package): its sources, seeds and models, added to the session.
 * Configs come from the folder levels (the package's own `dbt_project.yml`, then the root's entry for the
 * package), YAML properties and `config()`; names and schemas from dbt's naming macros.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ProjectError } from '../errors';
import type { ModelNode } from '../manifest';
import { mergeQuoting } from '../render/relation';
import { inferSeedType, parseCsv, seedCellValue } from './csv';
import { namingNode } from './custom-naming';
import type { ModelEntry } from './project-files';
import { escapeRegex, freshnessOf, mergeConfigLevels, normalizeConfig, otherDatabase } from './config-levels';
import { contractOf } from './model-contract';
import { versionedRefKey, versionsByFile } from './model-versions';
import type { ParseSession, ProjectScope } from './parse-session';

/** dbt's `quoting` (project level for models and seeds; source and table level for sources), kept only when set. */
function quotingOf(...levels: unknown[]): { quoting?: ReturnType<typeof mergeQuoting> } {
  const quoting = mergeQuoting(...levels);
  return quoting ? { quoting } : {};
}

function folderOf(relative: string): string {
  return path.dirname(relative) === '.' ? '' : path.dirname(relative);
}

/**
 * `lineOf(text, pattern)` for many patterns over one text: the line of a match from the offsets of the text's line
 * breaks, found once (a sources file of 500 tables counted every line before each match again: 60 ms per compile).
 */
function lineFinder(text: string): (pattern: RegExp) => number | undefined {
  let breaks: number[] | undefined;
  return (pattern) => {
    const match = pattern.exec(text);
    if (!match) return undefined;
    if (!breaks) {
      breaks = [];
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) breaks.push(at);
    }
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (breaks[middle]! < match.index) low = middle + 1;
      else high = middle;
    }
    return low + 1; // line breaks before the match, plus one
  };
}

export function addSources(session: ParseSession, scope: ProjectScope): void {
  const { packageName } = scope;
  const target = session.inputs.target;
  for (const { file, content } of scope.files.properties) {
    const text = scope.textOf(file);
    const lineAt = lineFinder(text);
    for (const source of content.sources ?? []) {
      for (const table of source.tables) {
        const uniqueId = `source.${packageName}.${source.name}.${table.name}`;
        session.sources[uniqueId] = {
          uniqueId,
          resourceType: 'source',
          sourceName: source.name,
          name: table.name,
          origin: { file, line: lineAt(new RegExp(`name:\\s*['"]?${escapeRegex(table.name)}['"]?\\s*$`, 'm')) },
          relation: {
            schema: session.renderProperty(source.schema ?? source.name, file, text),
            identifier: session.renderProperty(table.identifier ?? table.name, file, text),
            ...otherDatabase(typeof source.database === 'string' ? session.renderProperty(source.database, file, text) : undefined, target),
            ...quotingOf(source.quoting, table.quoting),
          },
          meta: { ...(source.meta ?? {}), ...(table.meta ?? {}) },
          tags: [...(source.tags ?? []), ...(table.tags ?? [])],
          ...freshnessOf(source, table),
        };
      }
    }
  }
}

export function addSeeds(session: ParseSession, scope: ProjectScope): void {
  const { packageName, files } = scope;
  const projectQuoting = quotingOf(files.project.quoting);
  const seedProps = new Map<string, Record<string, unknown>>();
  for (const { content } of files.properties) for (const s of content.seeds ?? []) seedProps.set(s.name, s.config ?? {});
  for (const seedFile of files.seeds) {
    const name = path.basename(seedFile.file, '.csv');
    const folderConfig = scope.folderConfig('seeds', seedFile.relative);
    const config = mergeConfigLevels([folderConfig, seedProps.get(name) ?? {}]);
    if (config.enabled === false) {
      session.disabledNames.add(name);
      continue;
    }
    // dbt merges dict configs such as column_types across levels.
    config.column_types = { ...(folderConfig.column_types as object | undefined), ...(seedProps.get(name)?.column_types as object | undefined) };
    const parsed = parseCsv(seedFile.text, typeof config.delimiter === 'string' && config.delimiter.length === 1 ? config.delimiter : ',');
    const header = parsed[0];
    if (!header || header.length === 0) throw new ProjectError(seedFile.file, 'the CSV has no header row');
    const columns = header.map((h, i) => {
      if (!h) throw new ProjectError(seedFile.file, `column ${i + 1} of the header is empty`, 1);
      return h.trim();
    });
    const rows = parsed.slice(1).map((row) => row.map(seedCellValue));
    rows.forEach((row, i) => {
      if (row.length !== columns.length) {
        throw new ProjectError(seedFile.file, `row has ${row.length} fields, the header has ${columns.length}`, i + 2);
      }
    });
    const explicitTypes = (config.column_types ?? {}) as Record<string, string>;
    const columnTypes: Record<string, string> = {};
    columns.forEach((c, i) => {
      columnTypes[c] = explicitTypes[c] ?? inferSeedType(rows.map((r) => r[i] ?? null));
    });
    const uniqueId = `seed.${packageName}.${name}`;
    const node = namingNode('seed', packageName, name, seedFile.file, seedFile.relative, config);
    session.seeds[uniqueId] = {
      uniqueId,
      resourceType: 'seed',
      name,
      packageName,
      origin: { file: seedFile.file },
      relation: { schema: session.schemaFor(config.schema, node), identifier: session.aliasFor(config.alias, node), ...projectQuoting },
      config: normalizeConfig({ ...config, materialized: 'seed' }, seedFile.file),
      columns,
      columnTypes,
      rows,
      checksum: createHash('sha256').update(seedFile.text.trim()).digest('hex'),
      dependsOn: [],
      path: folderOf(seedFile.relative),
    };
    session.addRelationName(name, packageName, uniqueId);
  }
}

/** The models of one project; returns their `ref()` calls, resolved once every project's models are known. */
export function addModels(session: ParseSession, scope: ProjectScope): { model: ModelNode; name: string }[] {
  const { packageName, files } = scope;
  const projectQuoting = quotingOf(files.project.quoting);
  const modelProps = new Map<string, { file: string; entry: ModelEntry }>();
  for (const { file, content } of files.properties) {
    for (const entry of content.models ?? []) modelProps.set(entry.name, { file, entry });
  }
  const modelNames = new Map<string, string>();
  const pendingRefs: { model: ModelNode; name: string }[] = [];
  const versions = versionsByFile(files.properties, scope.textOf);
  for (const modelFile of files.models) {
    const fileName = path.basename(modelFile.file, '.sql');
    // A version of a versioned model (model-versions.ts): the model's name, a `.v<n>` id, a `<name>_v<n>` relation.
    const versioned = versions.get(fileName);
    const name = versioned?.name ?? fileName;
    const uniqueId = `model.${packageName}.${name}${versioned ? `.v${versioned.version}` : ''}`;
    if (modelNames.has(fileName)) {
      throw new ProjectError(modelFile.file, `two models are named '${name}' (the other is ${session.models[modelNames.get(fileName)!]!.origin.file}); model names must be unique`);
    }
    const props = versioned ? { file: versioned.file, entry: versioned.entry } : modelProps.get(name);
    const levels = [scope.folderConfig('models', modelFile.relative), props?.entry.config ?? {}];
    const calls = session.sqlCalls(modelFile, scope, versioned ? `${name}_v${versioned.version}` : name, (own) => mergeConfigLevels([...levels, own]), true);
    const sourceIds = calls.sources.map((s) => session.resolveSource(s.sourceName, s.tableName, packageName, modelFile.file, modelFile.text));
    const config = normalizeConfig(mergeConfigLevels([...levels, calls.config]), modelFile.file);
    if (config.enabled === false) {
      session.disabledNames.add(name);
      continue;
    }
    const node = namingNode('model', packageName, versioned ? `${name}_v${versioned.version}` : name, modelFile.file, modelFile.relative, config);
    const contract = contractOf(props?.entry, config, props?.file ?? modelFile.file, props ? scope.textOf(props.file) : modelFile.text, name);
    const model: ModelNode = {
      uniqueId,
      resourceType: 'model',
      name,
      packageName,
      origin: { file: modelFile.file },
      rawSql: modelFile.text,
      relation: { schema: session.schemaFor(config.schema, node), identifier: session.aliasFor(config.alias, node), ...projectQuoting },
      config,
      dependsOn: [...new Set(sourceIds)],
      path: folderOf(modelFile.relative),
      ...(contract ? { contract } : {}),
      ...(versioned ? { version: versioned.version, latestVersion: versioned.latestVersion } : {}),
    };
    session.models[uniqueId] = model;
    modelNames.set(fileName, uniqueId);
    if (versioned) session.addRelationName(versionedRefKey(name, versioned.version), packageName, uniqueId);
    if (!versioned || versioned.isLatest) session.addRelationName(name, packageName, uniqueId);
    for (const r of new Set(calls.refs)) pendingRefs.push({ model, name: r });
  }
  return pendingRefs;
}
