#!/usr/bin/env node
// Fails when a packaged function's code outgrows its budget (bench/bundle-budget.json). Reads the zips `npm run
// package` wrote to .serverless/: the size counted is the function's minified .js without its source map, including
// the compiled dbt project some functions embed (dbt/ here, ~64 KiB; a bigger project needs bigger budgets).
// Usage: node scripts/check-bundle-budget.js   (after npm run package)
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const budgets = JSON.parse(fs.readFileSync(path.join(root, 'bench', 'bundle-budget.json'), 'utf8'));

/** Uncompressed size of every entry of a zip, from its central directory. */
function zipEntrySizes(file) {
  const zip = fs.readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error(`${file}: not a zip file`);
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const sizes = {};
  for (let i = 0; i < entries; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: corrupt central directory`);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    sizes[name] = size;
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return sizes;
}

const dir = path.join(root, '.serverless');
const zips = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.zip')).sort() : [];
if (zips.length === 0) {
  console.error('no function zips in .serverless/: run `npm run package` first');
  process.exit(1);
}
let failed = 0;
console.log('bundle budgets (KiB: minified .js, no source map, embedded project included)');
for (const zip of zips) {
  const fn = path.basename(zip, '.zip');
  const js = Object.entries(zipEntrySizes(path.join(dir, zip))).filter(([name]) => name.endsWith('.js'));
  const code = js.reduce((sum, [, size]) => sum + size, 0);
  const budget = budgets.functions[fn] ?? budgets.defaultKiB;
  const over = code / 1024 > budget;
  if (over) failed += 1;
  const aboveGoal = budgets.goalKiB !== undefined && code / 1024 > budgets.goalKiB ? `  (above the ${budgets.goalKiB} KiB goal: bench/RESULTS-lambda-bundles.md says why)` : '';
  console.log(`${over ? 'OVER' : 'ok  '} ${fn.padEnd(26)} ${(code / 1024).toFixed(0).padStart(5)} / ${budget} KiB${aboveGoal}`);
}
if (failed > 0) {
  console.error(`\n${failed} function bundle(s) over budget: find what grew with an esbuild metafile (bench/lambda-bundles.ts builds the same bundles), or raise the budget in bench/bundle-budget.json with the reason.`);
  process.exit(1);
}
