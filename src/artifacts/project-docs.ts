/**
 * What dbt's manifest carries beside the compiled graph: descriptions, column docs, `meta`, where a node's YAML
 * lives (`patch_path`), macros with their SQL, and `{% docs %}` blocks. landfall's compiled manifest (what the
 * Lambda functions embed) leaves these out; the CLI reads them from the project files (`readProjectDocs`) and hands
 * them to the manifest writer. `{{ doc('name') }}` in a description is replaced by the block, as dbt's docs do.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ColumnEntry, ProjectFiles } from '../engine/project/project-files';
import { readProjectFiles } from '../engine/compile';

export interface ColumnDocs {
  name: string;
  description: string;
  meta: Record<string, unknown>;
  tags: string[];
  dataType: string | null;
}

export interface NodeDocs {
  description: string;
  columns: ColumnDocs[];
  meta: Record<string, unknown>;
  /** dbt's `patch_path`: `<package>://<properties file>`. */
  patchPath: string;
}

export interface SourceDocs extends NodeDocs {
  sourceDescription: string;
  sourceMeta: Record<string, unknown>;
  loader: string;
}

export interface MacroDocs {
  uniqueId: string;
  name: string;
  packageName: string;
  file: string;
  sql: string;
  arguments: string[];
}

export interface DocBlock {
  uniqueId: string;
  name: string;
  packageName: string;
  file: string;
  contents: string;
}

export interface ProjectDocs {
  /** By `<package>.<resource kind>.<name>` (`shop.model.orders`, `shop.seed.plans`, `shop.snapshot.s`). */
  nodes: Map<string, NodeDocs>;
  /** By `<package>.<source>.<table>`. */
  sources: Map<string, SourceDocs>;
  macros: MacroDocs[];
  docs: DocBlock[];
  /** The text of every file read, by `<package>://<file>`, for dbt's `checksum` (sha256 of the file). */
  fileTexts: Map<string, string>;
}

export function emptyProjectDocs(): ProjectDocs {
  return { nodes: new Map(), sources: new Map(), macros: [], docs: [], fileTexts: new Map() };
}

/** Read the docs of the project at `projectDir` and of its installed packages. */
export function readProjectDocs(projectDir: string): ProjectDocs {
  return projectDocsOf(readProjectFiles(projectDir));
}

export function projectDocsOf(files: ProjectFiles): ProjectDocs {
  const docs = emptyProjectDocs();
  for (const project of [files, ...(files.packages ?? [])]) addProject(docs, project);
  // `{{ doc('name') }}` → the block's text (the root project's first, then any package's).
  const blocks = new Map<string, string>();
  for (const block of docs.docs) if (!blocks.has(block.name)) blocks.set(block.name, block.contents);
  const resolve = (text: string) => text.replace(/\{\{\s*doc\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"]([^'"]+)['"]\s*\)\s*\}\}/g, (whole, name: string) => blocks.get(name) ?? whole);
  for (const node of [...docs.nodes.values(), ...docs.sources.values()]) {
    node.description = resolve(node.description);
    for (const column of node.columns) column.description = resolve(column.description);
  }
  for (const source of docs.sources.values()) source.sourceDescription = resolve(source.sourceDescription);
  return docs;
}

function addProject(docs: ProjectDocs, project: ProjectFiles): void {
  const pkg = project.project.name;
  for (const file of [...project.models, ...project.singularTests, ...project.macros, ...project.seeds, ...(project.snapshots ?? []), ...(project.analyses ?? [])]) {
    docs.fileTexts.set(`${pkg}://${file.file}`, file.text);
  }
  for (const { file, content } of project.properties) {
    const patchPath = `${pkg}://${file}`;
    const kinds: [string, typeof content.models][] = [['model', content.models], ['seed', content.seeds], ['snapshot', (content as { snapshots?: typeof content.models }).snapshots], ['analysis', (content as { analyses?: typeof content.models }).analyses]];
    for (const [kind, entries] of kinds) {
      for (const entry of entries ?? []) {
        docs.nodes.set(`${pkg}.${kind}.${entry.name}`, {
          description: entry.description ?? '',
          columns: (entry.columns ?? []).map(columnDocs),
          meta: { ...((entry.config?.meta as Record<string, unknown> | undefined) ?? {}), ...(((entry as { meta?: Record<string, unknown> }).meta) ?? {}) },
          patchPath,
        });
      }
    }
    for (const source of content.sources ?? []) {
      for (const table of source.tables) {
        docs.sources.set(`${pkg}.${source.name}.${table.name}`, {
          description: table.description ?? '',
          columns: (table.columns ?? []).map(columnDocs),
          meta: table.meta ?? {},
          patchPath,
          sourceDescription: source.description ?? '',
          sourceMeta: source.meta ?? {},
          loader: typeof (source as { loader?: unknown }).loader === 'string' ? String((source as { loader?: unknown }).loader) : '',
        });
      }
    }
  }
  for (const file of project.macros) {
    for (const macro of macroBlocks(file.text)) {
      docs.macros.push({ uniqueId: `macro.${pkg}.${macro.name}`, name: macro.name, packageName: pkg, file: file.file, sql: macro.sql, arguments: macro.arguments });
    }
  }
  for (const block of docBlocks(project.root, project.project['model-paths'] ?? ['models'])) {
    docs.docs.push({ uniqueId: `doc.${pkg}.${block.name}`, name: block.name, packageName: pkg, file: block.file, contents: block.contents });
  }
}

function columnDocs(column: ColumnEntry): ColumnDocs {
  const dataType = (column as { data_type?: unknown }).data_type;
  return {
    name: column.name,
    description: column.description ?? '',
    meta: column.meta ?? {},
    tags: column.tags ?? [],
    dataType: typeof dataType === 'string' ? dataType : null,
  };
}

/** `{% macro name(a, b=1) %}…{% endmacro %}` blocks (and `{% test name(...) %}`, which dbt stores as `test_<name>`). */
export function macroBlocks(text: string): { name: string; sql: string; arguments: string[] }[] {
  const out: { name: string; sql: string; arguments: string[] }[] = [];
  const pattern = /\{%-?\s*(macro|test|materialization)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)[\s\S]*?\{%-?\s*end(?:macro|test|materialization)\s*-?%\}/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] === 'materialization') continue;
    const name = match[1] === 'test' ? `test_${match[2]}` : match[2]!;
    const args = match[3]!.split(',').map((a) => a.trim().split('=')[0]!.trim()).filter(Boolean);
    out.push({ name, sql: match[0], arguments: args });
  }
  return out;
}

/** `{% docs name %}…{% enddocs %}` blocks in the `.md` files of the model paths. */
function docBlocks(root: string, modelPaths: string[]): { name: string; file: string; contents: string }[] {
  const out: { name: string; file: string; contents: string }[] = [];
  const walk = (abs: string) => {
    if (!fs.existsSync(abs)) return;
    for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(abs, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.md')) {
        const text = fs.readFileSync(child, 'utf8');
        for (const match of text.matchAll(/\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g)) {
          out.push({ name: match[1]!, file: path.relative(root, child).split(path.sep).join('/'), contents: match[2]!.trim() });
        }
      }
    }
  };
  for (const dir of modelPaths) walk(path.join(root, dir));
  return out;
}
