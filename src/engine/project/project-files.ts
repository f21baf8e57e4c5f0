/**
 * Reads a dbt project folder into plain data: the project file, every SQL/YAML/CSV file, validated with
 * errors that name the file and the key. No Jinja is rendered here (see compile-manifest.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import * as z from 'zod';
import { ProjectError } from '../errors';
import type { SelectorEntry } from '../graph/selectors-file';
import type { PartialParseCache } from './partial-parse';
import { readInstalledPackages } from '../packages/installed-packages';

const pathList = z.array(z.string()).optional();

const DbtProjectSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid identifier (letters, digits, underscores)'),
  version: z.union([z.string(), z.number()]).optional(),
  'config-version': z.number().optional(),
  profile: z.string().optional(),
  'model-paths': pathList,
  'seed-paths': pathList,
  'test-paths': pathList,
  'macro-paths': pathList,
  'snapshot-paths': pathList,
  'analysis-paths': pathList,
  vars: z.record(z.string(), z.unknown()).optional(),
  models: z.record(z.string(), z.unknown()).optional(),
  seeds: z.record(z.string(), z.unknown()).optional(),
  data_tests: z.record(z.string(), z.unknown()).optional(),
  tests: z.record(z.string(), z.unknown()).optional(),
}).loose();

export type DbtProjectFile = z.infer<typeof DbtProjectSchema>;

const TestEntry = z.union([z.string(), z.record(z.string(), z.unknown())]);
const ColumnSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  data_tests: z.array(TestEntry).optional(),
  tests: z.array(TestEntry).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
}).loose();

const ModelEntrySchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  columns: z.array(ColumnSchema).optional(),
  data_tests: z.array(TestEntry).optional(),
  tests: z.array(TestEntry).optional(),
}).loose();

const SourceTableSchema = z.object({
  name: z.string(),
  identifier: z.string().optional(),
  description: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
  columns: z.array(ColumnSchema).optional(),
  data_tests: z.array(TestEntry).optional(),
  tests: z.array(TestEntry).optional(),
}).loose();

const SourceSchema = z.object({
  name: z.string(),
  schema: z.string().optional(),
  database: z.string().optional(),
  description: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
  tables: z.array(SourceTableSchema).default([]),
}).loose();

const PropertiesFileSchema = z.object({
  version: z.union([z.number(), z.string()]).optional(),
  models: z.array(ModelEntrySchema).optional(),
  seeds: z.array(ModelEntrySchema).optional(),
  sources: z.array(SourceSchema).optional(),
}).loose();

export type PropertiesFile = z.infer<typeof PropertiesFileSchema>;
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
export type SourceEntry = z.infer<typeof SourceSchema>;
export type ColumnEntry = z.infer<typeof ColumnSchema>;
export type TestEntry = z.infer<typeof TestEntry>;

export interface SqlFile {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  /** Path relative to its resource folder (`models/`, `tests/`…). */
  relative: string;
  text: string;
}

export interface ProjectFiles {
  root: string;
  project: DbtProjectFile;
  models: SqlFile[];
  singularTests: SqlFile[];
  macros: SqlFile[];
  seeds: SqlFile[];
  /** SQL files of the snapshot paths (`{% snapshot %}` blocks); absent in projects built by hand. */
  snapshots?: SqlFile[];
  /** SQL files of the analysis paths: compiled by `landfall compile`, never run (compile-analyses.ts). */
  analyses?: SqlFile[];
  /** YAML properties files; `text` is the file as read (files built by hand may leave it out). */
  properties: { file: string; content: PropertiesFile; text?: string }[];
  /** `selectors.yml` at the project root, when there is one. */
  selectors?: SelectorEntry[];
  /** The packages installed in `dbt_packages/` (the root project's only), each read as a project of its own. */
  packages?: ProjectFiles[];
}

const SelectorsFileSchema = z.object({
  selectors: z.array(z.object({
    name: z.string(),
    description: z.string().optional(),
    default: z.boolean().optional(),
    definition: z.union([z.string(), z.record(z.string(), z.unknown())]),
  }).loose()).default([]),
}).loose();

export interface ReadProjectOptions {
  /** Reuse the text of files that did not change, and the validated content of YAML files (see partial-parse.ts). */
  parseCache?: PartialParseCache;
  /** Read as an installed package: no packages of its own, cache keys prefixed with the package's name. */
  asPackage?: boolean;
}

/**
 * Read and validate every file of the dbt project at `root`.
 *
 * @example
 * const files = readProjectFiles('dbt'); // files.models[0].file === 'models/staging/app/stg_app__users.sql'
 */
export function readProjectFiles(root: string, options: ReadProjectOptions = {}): ProjectFiles {
  const projectPath = path.join(root, 'dbt_project.yml');
  if (!fs.existsSync(projectPath)) {
    throw new ProjectError(projectPath, 'not found: is --project-dir the folder that holds dbt_project.yml?');
  }
  const project = validate(DbtProjectSchema, loadYaml(projectPath, 'dbt_project.yml'), 'dbt_project.yml');
  const folders = (key: 'model-paths' | 'seed-paths' | 'test-paths' | 'macro-paths' | 'snapshot-paths' | 'analysis-paths', fallback: string) =>
    project[key] ?? [fallback];

  const keyPrefix = options.asPackage ? `${project.name}:` : '';
  const list = (dir: string) => listFiles(root, dir, options.parseCache, keyPrefix);
  const modelFiles = folders('model-paths', 'models').flatMap(list);
  const testFiles = folders('test-paths', 'tests').flatMap(list);
  const macroFiles = folders('macro-paths', 'macros').flatMap(list);
  const seedFiles = folders('seed-paths', 'seeds').flatMap(list);
  const snapshotFiles = folders('snapshot-paths', 'snapshots').flatMap(list);
  const analysisFiles = folders('analysis-paths', 'analyses').flatMap(list);

  const parseProperties = (f: SqlFile) => validate(PropertiesFileSchema, parseYaml(f.text, f.file) ?? {}, f.file);
  const properties = [...modelFiles, ...seedFiles, ...macroFiles, ...snapshotFiles]
    .filter((f) => /\.ya?ml$/.test(f.file))
    .map((f) => ({
      file: f.file,
      content: options.parseCache ? options.parseCache.properties(`${keyPrefix}${f.file}`, f.text, () => parseProperties(f)) : parseProperties(f),
      text: f.text,
    }));

  const selectorsPath = path.join(root, 'selectors.yml');
  const selectors = fs.existsSync(selectorsPath)
    ? validate(SelectorsFileSchema, loadYaml(selectorsPath, 'selectors.yml') ?? {}, 'selectors.yml').selectors
    : undefined;

  const packages = options.asPackage ? [] : readInstalledPackages(root, project, (dir) => readProjectFiles(dir, { ...options, asPackage: true }));
  return {
    root,
    project,
    ...(selectors ? { selectors } : {}),
    ...(packages.length ? { packages } : {}),
    models: modelFiles.filter((f) => f.file.endsWith('.sql')),
    // Generic test definitions (tests/generic) are macros, not singular tests; tests/fixtures holds unit tests' rows.
    singularTests: testFiles.filter((f) => f.file.endsWith('.sql') && !f.relative.startsWith('generic/') && !f.relative.startsWith('fixtures/')),
    macros: [...macroFiles, ...testFiles.filter((f) => f.relative.startsWith('generic/'))].filter((f) => f.file.endsWith('.sql')),
    seeds: seedFiles.filter((f) => f.file.endsWith('.csv')),
    snapshots: snapshotFiles.filter((f) => f.file.endsWith('.sql')),
    analyses: analysisFiles.filter((f) => f.file.endsWith('.sql')),
    properties,
  };
}

function listFiles(root: string, dir: string, parseCache: PartialParseCache | undefined, keyPrefix: string): SqlFile[] {
  const base = path.join(root, dir);
  if (!fs.existsSync(base)) return [];
  const out: SqlFile[] = [];
  const folder = path.relative(root, base).split(path.sep).join('/');
  // `relative` is the path under `dir`, with forward slashes.
  const walk = (abs: string, relative: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = `${abs}${path.sep}${entry.name}`; // abs is normalized already
      const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child, childRelative);
      else if (/\.(sql|ya?ml|csv)$/.test(entry.name)) {
        const file = folder === '' ? childRelative : `${folder}/${childRelative}`;
        out.push({ file, relative: childRelative, text: parseCache ? parseCache.fileText(`${keyPrefix}${file}`, child) : fs.readFileSync(child, 'utf8') });
      }
    }
  };
  walk(base, '');
  return out;
}

function loadYaml(absolute: string, file: string): unknown {
  return parseYaml(fs.readFileSync(absolute, 'utf8'), file);
}

/** YAML 1.2's core schema plus `<<` merge keys, which dbt's loader (PyYAML) accepts and projects use with anchors. */
const DBT_YAML_SCHEMA = yaml.CORE_SCHEMA.withTags(yaml.mergeTag);

function parseYaml(text: string, file: string): unknown {
  try {
    return yaml.load(text, { schema: DBT_YAML_SCHEMA });
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error as Error).message;
    throw new ProjectError(file, `invalid YAML: ${reason}`, mark?.line !== undefined ? mark.line + 1 : undefined);
  }
}

function validate<T extends z.ZodType>(schema: T, value: unknown, file: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
  throw new ProjectError(file, issues);
}
