/**
 * Dependencies point down: the engine (src/engine) imports nothing else from src/, and no CLI command imports the
 * CLI's entry point (src/cli/main.ts), which imports the commands. Read from the import statements of the sources.
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The relative imports of a file (`from '…'`, `import('…')`, `require('…')`), resolved to repository paths. */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s+|import\(\s*|require\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => {
    const resolved = path.resolve(path.dirname(file), specifier);
    const candidates = [`${resolved}.ts`, path.join(resolved, 'index.ts'), resolved];
    const found = candidates.find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile()) ?? candidates[0]!;
    return path.relative(path.dirname(SRC), found).split(path.sep).join('/');
  });
}

describe('dependency direction', () => {
  it('src/engine imports nothing from src/ outside src/engine', () => {
    const crossings = sourceFiles(path.join(SRC, 'engine')).flatMap((file) => {
      const from = path.relative(path.dirname(SRC), file).split(path.sep).join('/');
      return relativeImports(file)
        .filter((target) => target.startsWith('src/') && !target.startsWith('src/engine/'))
        .map((target) => `${from} -> ${target}`);
    });
    expect(crossings).toEqual([]);
  });

  it('no src/cli file imports src/cli/main.ts', () => {
    const main = 'src/cli/main.ts';
    const importers = sourceFiles(path.join(SRC, 'cli'))
      .filter((file) => !file.endsWith(`${path.sep}cli${path.sep}main.ts`) && relativeImports(file).includes(main))
      .map((file) => path.relative(path.dirname(SRC), file));
    expect(importers).toEqual([]);
  });

  it('sees a crossing when there is one (the check reads real imports)', () => {
    const imports = relativeImports(path.join(SRC, 'warehouse', 'redshift-data-warehouse.ts'));
    expect(imports).toContain('src/engine/warehouse/warehouse.ts');
    expect(relativeImports(path.join(SRC, 'engine', 'freshness', 'check-freshness.ts'))).toContain('src/engine/warehouse/run-query.ts');
  });
});
