#!/usr/bin/env node
// The landfall CLI. It runs the esbuild bundle dist/cli/landfall.cjs (built by `npm ci` through the `prepare`
// script, or `npm run build:cli`) while that bundle is newer than every file under src/; otherwise it runs
// the TypeScript sources through tsx, so an edit is never ignored, only slower to start (~1–2 s instead of ~0.1 s).
// The machine runs Node 20; Lambda runs nodejs22.x. The SDK's Node-version notice is for the former.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli', 'landfall.cjs');

/** The newest modification time of `dir` and everything under it (a deleted file changes its folder's mtime). */
function newestMtimeMs(dir) {
  let newest = fs.statSync(dir).mtimeMs;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = `${dir}${path.sep}${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(child) : fs.statSync(child).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  // Benchmarks on a checkout others edit meanwhile: run the bundle built at their start (bench/realistic-compile.ts).
  if (process.env.LANDFALL_CLI_BUNDLE === '1' && fs.existsSync(bundle)) return true;
  try {
    return fs.statSync(bundle).mtimeMs >= newestMtimeMs(path.join(root, 'src'));
  } catch {
    return false; // no bundle (or no src/): run the sources
  }
}

/**
 * Loads the bundle as `require` would, with V8's code cache beside it (`landfall.cjs.cache`): compiling the
 * bundle is most of a start, and the cache skips it. The cache is written after the first command that finds
 * none (or finds one V8 rejects: another bundle, another Node); a read-only install just runs without it.
 */
function loadBundle() {
  const cacheFile = `${bundle}.cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const bundleModule = new Module(bundle, module);
  bundleModule.filename = bundle;
  bundleModule.paths = Module._nodeModulePaths(path.dirname(bundle));
  script.runInThisContext().call(bundleModule.exports, bundleModule.exports, Module.createRequire(bundle), bundleModule, bundle, path.dirname(bundle));
  bundleModule.loaded = true;
  const saveCodeCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, cacheFile);
    } catch {
      fs.rmSync(temporary, { force: true });
    }
  };
  return { cli: bundleModule.exports, saveCodeCache };
}

function loadCli() {
  if (bundleIsFresh()) return loadBundle();
  require('tsx/cjs');
  return { cli: require('../src/cli/main.ts'), saveCodeCache: () => undefined };
}

const { cli, saveCodeCache } = loadCli();
cli
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    console.error(error && error.message ? `landfall: ${error.message}` : error);
    process.exitCode = 2;
  })
  .finally(saveCodeCache);
