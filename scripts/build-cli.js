#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts and everything it imports) into dist/cli/landfall.cjs with esbuild, so
// `landfall` starts in ~0.1 s instead of transpiling its import graph through tsx at every start (~1–2 s).
// bin/landfall.js uses the bundle only while it is newer than every file under src/, and tsx otherwise.
// Runs from npm's `prepare` (after `npm ci`/`npm install`) and from `npm run build:cli`.
//
// The output sits two folders below the repository root, as src/cli/main.ts does, so code that finds the
// repository from __dirname still does.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, 'dist', 'cli', 'landfall.cjs');

/**
 * Packages loaded from node_modules at run time instead of bundled. PGlite finds its .wasm/.data files next
 * to its own code; tsx is registered by the stack commands. The AWS SDK, Step Functions interpreter, Powertools
 * and middy serve only the commands that start the local stack or talk to AWS: bundled, they would double
 * the bundle that every command reads and compiles at start (~2 MB instead of ~4.8 MB).
 */
const EXTERNAL = [
  '@electric-sql/pglite', 'tsx', 'tsx/*', '@aws-sdk/*', '@smithy/*', 'aws-local-stepfunctions', '@aws-lambda-powertools/*', '@middy/*',
  // nunjucks requires chokidar only to watch template folders, which landfall never asks for.
  'chokidar',
  // The docs site bundles its browser app with esbuild at run time. Bundled, esbuild's API cannot find its binary
  // and runs this bundle as its service instead: `serve` then hung in buildSync on a clean clone.
  'esbuild',
];

/**
 * zod re-exports every one of its ~50 message locales (`z.locales.*`, ~0.4 MB, a fifth of the bundle); landfall
 * uses none but the default English. In the bundle, `z.locales` holds English only.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}zod${path.sep}`) ? { path: path.join(path.dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-english-only' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};\n`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

async function buildCli() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    // A production install without devDependencies: the CLI keeps running through tsx.
    console.warn('build-cli: esbuild is not installed; landfall will run through tsx.');
    return;
  }
  const started = Date.now();
  // Write beside the target and rename, so a landfall starting meanwhile never loads half a file.
  const temporary = `${outfile}.${process.pid}.tmp`;
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    plugins: [zodEnglishOnly],
    logLevel: 'warning',
  });
  fs.renameSync(temporary, outfile);
  // bin/landfall.js writes V8's code cache of the bundle beside it when it finds none: start it once now, so
  // the first real command does not pay for compiling the bundle either.
  fs.rmSync(`${outfile}.cache`, { force: true });
  execFileSync(process.execPath, [path.join(root, 'bin', 'landfall.js'), '--help'], { stdio: 'ignore' });
  console.log(`build-cli: wrote ${path.relative(root, outfile)} in ${Date.now() - started} ms`);
}

buildCli().catch((error) => {
  console.error(`build-cli: ${error.message}`);
  process.exitCode = 1;
});
