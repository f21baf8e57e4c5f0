/**
 * Parse time for the resources dbt puts in the graph but never builds: `exposures:`, `semantic_models:`,
 * `metrics:` and `saved_queries:` in YAML properties files. Each becomes a {@link DefinitionNode} with dbt's id
 * (`exposure.<package>.<name>`, …) and its parents: an exposure's `depends_on` (ref/source/metric), a semantic
 * model's `model: ref('x')`, a metric's semantic models (through its measures) and metrics (ratio, derived), a saved
 * query's metrics. Required keys are checked with the file and line; a reference to nothing fails the parse.
 */
import { ProjectError, lineOf } from '../errors';
import type { DefinitionNode, DefinitionResourceType } from '../manifest';
import { escapeRegex } from './config-levels';
import type { ParseSession, ProjectScope } from './parse-session';

type Entry = Record<string, unknown>;
interface Found { kind: DefinitionResourceType; file: string; line?: number; entry: Entry }

const SECTIONS: Record<string, DefinitionResourceType> = {
  exposures: 'exposure', semantic_models: 'semantic_model', metrics: 'metric', saved_queries: 'saved_query',
};
const EXPOSURE_TYPES = ['dashboard', 'notebook', 'analysis', 'ml', 'application'];
const METRIC_TYPES = ['simple', 'ratio', 'cumulative', 'derived', 'conversion'];
const REF = /^\s*(?:\{\{\s*)?ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?(?:,\s*v(?:ersion)?\s*=\s*['"]?([^'")\s]+)['"]?\s*)?\)\s*(?:\}\})?\s*$/;
const SOURCE = /^\s*(?:\{\{\s*)?source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*(?:\}\})?\s*$/;
const METRIC = /^\s*(?:\{\{\s*)?metric\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*(?:\}\})?\s*$/;

/** Add the project's exposures, semantic models, metrics and saved queries to `definitions` (after models and sources). */
export function addDefinitions(session: ParseSession, scope: ProjectScope, definitions: Record<string, DefinitionNode>): void {
  const found = collect(scope);
  const { packageName } = scope;
  const idOf = (kind: DefinitionResourceType, name: string) => `${kind}.${packageName}.${name}`;
  const fail = (f: Found, detail: string): never => {
    throw new ProjectError(f.file, `${f.kind} '${String(f.entry.name)}': ${detail}`, f.line);
  };
  const names = new Map<string, Found>();
  for (const f of found) {
    const id = idOf(f.kind, String(f.entry.name));
    if (names.has(id)) fail(f, `defined twice (also in ${names.get(id)!.file}); names must be unique`);
    names.set(id, f);
    validate(f, fail);
  }
  // Measures name their semantic model: a metric depends on the models whose measures it uses.
  const measureOwner = new Map<string, string>();
  for (const f of found.filter((x) => x.kind === 'semantic_model')) {
    for (const m of list(f.entry.measures)) if (m && typeof (m as Entry).name === 'string') measureOwner.set(String((m as Entry).name), idOf('semantic_model', String(f.entry.name)));
  }
  const text = (f: Found) => scope.textOf(f.file);
  const refTo = (f: Found, value: unknown): string => {
    const raw = String(value);
    const ref = REF.exec(raw);
    if (ref) {
      const [name, pkg] = ref[2] !== undefined ? [ref[2], ref[1]!] : [ref[1]!, undefined];
      const key = ref[3] !== undefined ? `${name}.v${ref[3]}` : name;
      if (pkg !== undefined) return session.relationInPackage(key, pkg) ?? fail(f, `ref('${pkg}', '${name}') does not match any model or seed`);
      return session.resolveRefName(key, packageName, f.file, text(f));
    }
    const source = SOURCE.exec(raw);
    if (source) return session.resolveSource(source[1]!, source[2]!, packageName, f.file, text(f));
    const metric = METRIC.exec(raw);
    if (metric) return metricId(f, metric[2] ?? metric[1]!);
    return fail(f, `cannot read the reference '${raw}' (expected ref('…'), source('…', '…') or metric('…'))`);
  };
  const metricId = (f: Found, name: string): string => {
    const id = idOf('metric', name);
    return names.has(id) ? id : fail(f, `metric '${name}' is not defined`);
  };
  const measureModel = (f: Found, measure: unknown): string[] => {
    const name = nameOf(measure);
    if (name === undefined) return [];
    return [measureOwner.get(name) ?? fail(f, `measure '${name}' is not defined by any semantic model`)];
  };

  for (const f of found) {
    const e = f.entry;
    let parents: string[] = [];
    if (f.kind === 'exposure') parents = list(e.depends_on).map((d) => refTo(f, d));
    if (f.kind === 'semantic_model') parents = [refTo(f, e.model)];
    if (f.kind === 'metric') {
      const p = (e.type_params ?? {}) as Entry;
      const conversion = (p.conversion_type_params ?? {}) as Entry;
      parents = [
        ...[p.measure, conversion.base_measure, conversion.conversion_measure].flatMap((m) => measureModel(f, m)),
        ...[p.numerator, p.denominator, p.metric, ...list(p.metrics)].flatMap((m) => (nameOf(m) === undefined ? [] : [metricId(f, nameOf(m)!)])),
      ];
    }
    if (f.kind === 'saved_query') parents = list(((e.query_params ?? {}) as Entry).metrics).map((m) => metricId(f, String(nameOf(m))));
    const config = (e.config ?? {}) as Entry;
    const tags = [...list(e.tags), ...list(config.tags)].map(String);
    definitions[idOf(f.kind, String(e.name))] = {
      uniqueId: idOf(f.kind, String(e.name)),
      resourceType: f.kind,
      name: String(e.name),
      packageName,
      origin: { file: f.file, ...(f.line !== undefined ? { line: f.line } : {}) },
      tags: [...new Set(tags)],
      meta: { ...((e.meta ?? {}) as Entry), ...((config.meta ?? {}) as Entry) },
      properties: e,
      dependsOn: [...new Set(parents)],
    };
  }
}

/** Every enabled entry of the four sections in the project's YAML files, with its line. */
function collect(scope: ProjectScope): Found[] {
  const found: Found[] = [];
  for (const { file, content } of scope.files.properties) {
    for (const [section, kind] of Object.entries(SECTIONS)) {
      const entries = (content as Record<string, unknown>)[section];
      if (entries === undefined || entries === null) continue;
      const text = scope.textOf(file);
      const sectionAt = text.search(new RegExp(`^${section}\\s*:`, 'm'));
      if (!Array.isArray(entries)) throw new ProjectError(file, `\`${section}:\` must be a list of entries with a name`, lineOf(text, new RegExp(`^${section}\\s*:`, 'm')));
      for (const entry of entries as unknown[]) {
        if (!entry || typeof entry !== 'object' || typeof (entry as Entry).name !== 'string') {
          throw new ProjectError(file, `an entry of \`${section}:\` has no name`, lineOf(text, new RegExp(`^${section}\\s*:`, 'm')));
        }
        const name = String((entry as Entry).name);
        const after = sectionAt < 0 ? text : text.slice(sectionAt);
        const local = lineOf(after, new RegExp(`name:\\s*['"]?${escapeRegex(name)}['"]?\\s*$`, 'm'));
        const line = local === undefined ? undefined : local + (sectionAt < 0 ? 0 : text.slice(0, sectionAt).split('\n').length - 1);
        const config = ((entry as Entry).config ?? {}) as Entry;
        if (config.enabled === false || (entry as Entry).enabled === false) continue;
        found.push({ kind, file, ...(line !== undefined ? { line } : {}), entry: entry as Entry });
      }
    }
  }
  return found;
}

/** The keys dbt 1.10 requires of each resource (its JSON schema), checked so a typo fails at parse. */
function validate(f: Found, fail: (f: Found, detail: string) => never): void {
  const e = f.entry;
  const need = (key: string, why = '') => {
    if (e[key] === undefined || e[key] === null || e[key] === '') fail(f, `\`${key}\` is required${why}`);
  };
  if (!/^[A-Za-z0-9_]+$/.test(String(e.name))) fail(f, 'names may hold only letters, digits and underscores');
  if (f.kind === 'exposure') {
    need('type', ` (one of ${EXPOSURE_TYPES.join(', ')})`);
    if (!EXPOSURE_TYPES.includes(String(e.type))) fail(f, `type '${String(e.type)}' is not one of ${EXPOSURE_TYPES.join(', ')}`);
    need('owner', ' (with a name or an email)');
    const owner = e.owner as Entry;
    if (typeof owner !== 'object' || (owner.name === undefined && owner.email === undefined)) fail(f, '`owner` needs a name or an email');
    if (e.maturity !== undefined && !['high', 'medium', 'low'].includes(String(e.maturity))) fail(f, `maturity '${String(e.maturity)}' is not one of high, medium, low`);
    if (e.depends_on !== undefined && !Array.isArray(e.depends_on)) fail(f, '`depends_on` must be a list of ref(…), source(…) or metric(…)');
  }
  if (f.kind === 'semantic_model') need('model', " (ref('the_model'))");
  if (f.kind === 'metric') {
    need('label');
    need('type', ` (one of ${METRIC_TYPES.join(', ')})`);
    if (!METRIC_TYPES.includes(String(e.type).toLowerCase())) fail(f, `type '${String(e.type)}' is not one of ${METRIC_TYPES.join(', ')}`);
    need('type_params');
  }
  if (f.kind === 'saved_query') {
    need('query_params', ' (with the metrics it queries)');
    if (!Array.isArray((e.query_params as Entry).metrics)) fail(f, '`query_params.metrics` must be a list of metric names');
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

/** A measure or metric reference: a name, or `{name: …}`. */
function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Entry).name === 'string') return String((value as Entry).name);
  return undefined;
}
