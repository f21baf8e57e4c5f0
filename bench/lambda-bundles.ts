/**
 * Lambda bundle size and cold initialisation, for every function in functions/, bundled two ways:
 * - before: the sources and esbuild.config.js of an earlier commit (`--before REF`, extracted with `git archive`),
 *   bundled with that commit's `lambdaBuildOptions`;
 * - now: the working tree (or the commit `--now REF`) with its `lambdaBuildOptions`, exactly what `npm run package` ships.
 * Both embed the same compiled project (.landfall/aws/landfall-manifest.json, written by `npm run package`).
 *
 * Cold init is measured in a fresh Node process per sample (what a Lambda cold start pays): `require` of the bundle,
 * then the first handler call, against a local stack speaking the real wire protocols in the Redshift dialect
 * (bench/support/lambda-first-calls.ts: Data API on PGlite, S3, DynamoDB, Step Functions, EventBridge, SNS, SQS,
 * Secrets Manager). The warehouse tasks' first events are the Task inputs of a real transform execution.
 *
 * Usage: npx tsx bench/lambda-bundles.ts [--runs 5] [--before REF] [--now REF] [--out table.md] [--json file]
 *        npx tsx bench/lambda-bundles.ts --inputs advance-run [--top 25]   (what one bundle is made of, from an
 *        esbuild metafile: its largest inputs and the size of each package or source folder; nothing is timed)
 * (the table goes into bench/RESULTS-lambda-bundles.md, which also says what changed and why).
 */
import { execFile, execSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { startFirstCallStack } from './support/lambda-first-calls';
import { median, numberFlag, stringFlag } from './support/simple-models-project';

const args = process.argv.slice(2);
const runs = numberFlag(args, 'runs', 5);
const out = stringFlag(args, 'out');
const jsonOut = stringFlag(args, 'json');
const beforeRef = stringFlag(args, 'before');
const nowRef = stringFlag(args, 'now');
const repo = path.resolve(__dirname, '..');
const inputsOf = stringFlag(args, 'inputs');
const top = numberFlag(args, 'top', 25);

type BuildOptions = (manifestJson: string) => Record<string, unknown>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lambdaBuildOptions, manifestFile } = require('../esbuild.config.js') as { lambdaBuildOptions: BuildOptions; manifestFile: string };

const childScript = `
const { performance } = require('node:perf_hooks');
const [file, eventJson, expectedError] = process.argv.slice(1);
const t0 = performance.now();
const mod = require(file);
const t1 = performance.now();
const context = { functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '512', awsRequestId: 'bench', logGroupName: '/aws/lambda/bench', logStreamName: 'bench', getRemainingTimeInMillis: () => 60000 };
(async () => {
  // A function the bench has no first event for: its require only.
  if (!eventJson) return process.stdout.write(JSON.stringify({ requireMs: t1 - t0, firstCallMs: null, result: null }));
  let result;
  try {
    result = await mod.handler(JSON.parse(eventJson), context);
  } catch (error) {
    // A task whose job is to fail the execution (EndFailedRun) answers with its error.
    if (!expectedError || error.name !== expectedError) throw error;
    result = { errorName: error.name };
  }
  if (result && result.statusCode && result.statusCode >= 400) throw new Error('first call answered ' + JSON.stringify(result));
  const firstCallMs = performance.now() - t1;
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, firstCallMs, result: result === undefined ? null : result }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface Figures {
  bytes: number;
  requireMs: number;
  /** null: no first event for this function in bench/support/lambda-first-calls.ts. */
  firstCallMs: number | null;
}

/** The functions of a source tree, bundled with its own esbuild options and the given manifest. */
async function buildTree(tree: string, options: Record<string, unknown>, outDir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(path.join(tree, 'functions')).filter((f) => f.endsWith('.ts')).sort()) {
    const name = path.basename(entry, '.ts');
    files[name] = path.join(outDir, `${name}.js`);
    await esbuild({ ...options, entryPoints: [path.join(tree, 'functions', entry)], outfile: files[name], sourcemap: false, logLevel: 'error' } as never);
  }
  return files;
}

/** An earlier commit's tree (functions/, src/, esbuild.config.js, scripts/bundle/), with this checkout's node_modules. */
function extractCommit(ref: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  execSync(`git -C ${JSON.stringify(repo)} archive ${JSON.stringify(ref)} functions src scripts esbuild.config.js package.json tsconfig.json | tar -x -C ${JSON.stringify(dir)}`);
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** Runs one sample: a fresh process requires the bundle and makes its first call. */
async function sample(file: string, event: unknown, env: NodeJS.ProcessEnv, expectedError = ''): Promise<{ requireMs: number; firstCallMs: number | null; result: unknown }> {
  try {
    const eventJson = event === undefined ? '' : JSON.stringify(event);
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', childScript, file, eventJson, expectedError], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as { requireMs: number; firstCallMs: number | null; result: unknown };
  } catch (error) {
    throw new Error(`${path.basename(file)}: first call failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

/** The package (`nunjucks`, `@smithy/core`) or source folder (`src/engine/jinja`) an esbuild input belongs to. */
function ownerOf(input: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inPackage) return inPackage[1]!;
  const inSources = /^((?:src|functions|scripts)\/[^/]+(?:\/[^/.]+(?=\/))?)/.exec(input);
  return inSources ? inSources[1]! : input;
}

/** `--inputs NAME`: the bundle of functions/NAME.ts (as the working tree ships it) by input and by owner, in markdown. */
async function printInputs(name: string, manifestJson: string): Promise<void> {
  const result = await esbuild({
    ...lambdaBuildOptions(manifestJson), entryPoints: [path.join(repo, 'functions', `${name}.ts`)], write: false,
    outfile: path.join(os.tmpdir(), `${name}.js`), sourcemap: false, metafile: true, logLevel: 'error',
  } as never) as unknown as { metafile: { outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }> } };
  const output = Object.values(result.metafile.outputs).find((o) => Object.keys(o.inputs).length > 0)!;
  const inputs = Object.entries(output.inputs).map(([file, v]) => ({ file: file.replace(/^.*node_modules\//, ''), owner: ownerOf(file), bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const owners = new Map<string, number>();
  for (const input of inputs) owners.set(input.owner, (owners.get(input.owner) ?? 0) + input.bytes);
  const kib = (bytes: number) => (bytes / 1024).toFixed(1);
  process.stdout.write([
    `${name}: ${kib(output.bytes)} KiB minified (no source map), ${inputs.length} inputs`, '',
    '| # | input | package / folder | KiB |', '| ---: | --- | --- | ---: |',
    ...inputs.slice(0, top).map((input, i) => `| ${i + 1} | ${input.file} | ${input.owner} | ${kib(input.bytes)} |`), '',
    '| package / folder | KiB |', '| --- | ---: |',
    ...[...owners].sort((a, b) => b[1] - a[1]).slice(0, top).map(([owner, bytes]) => `| ${owner} | ${kib(bytes)} |`), '',
  ].join('\n'));
}

async function main(): Promise<void> {
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: run \`npm run package\` (or landfall compile --out it) first`);
  const manifestJson = fs.readFileSync(manifestFile, 'utf8');
  if (inputsOf) return printInputs(inputsOf, manifestJson);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bundles-'));
  const variants: Record<string, Record<string, string>> = {};
  if (beforeRef) {
    const tree = extractCommit(beforeRef, path.join(work, 'before-tree'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const before = require(path.join(tree, 'esbuild.config.js')) as { lambdaBuildOptions: BuildOptions };
    variants.before = await buildTree(tree, before.lambdaBuildOptions(manifestJson), path.join(work, 'before'));
  }
  if (nowRef) {
    const tree = extractCommit(nowRef, path.join(work, 'now-tree'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const now = require(path.join(tree, 'esbuild.config.js')) as { lambdaBuildOptions: BuildOptions };
    variants.now = await buildTree(tree, now.lambdaBuildOptions(manifestJson), path.join(work, 'now'));
  } else {
    variants.now = await buildTree(repo, lambdaBuildOptions(manifestJson), path.join(work, 'now'));
  }

  const stack = await startFirstCallStack(repo, path.join(work, 'stack'));
  const figures: Record<string, Record<string, Figures>> = {};
  try {
    const answers: Record<string, unknown> = {};
    // The stack's order first (later events follow from earlier answers), then any function it has no event for.
    const names = [...Object.keys(stack.events).filter((name) => name in variants.now!), ...Object.keys(variants.now!).filter((name) => !(name in stack.events))];
    for (const name of names) {
      const firstEvent = stack.events[name];
      const event = typeof firstEvent === 'function' ? (firstEvent as (a: Record<string, unknown>) => unknown)(answers) : firstEvent;
      figures[name] = {};
      // Now first: its answer is the next functions' event (rotation); then the variants alternate sample by sample.
      const variantsOf = Object.keys(variants).reverse().filter((variant) => variants[variant]![name] !== undefined);
      for (const variant of variantsOf) figures[name][variant] = { bytes: fs.statSync(variants[variant]![name]!).size, requireMs: 0, firstCallMs: null };
      const samples: Record<string, { requireMs: number; firstCallMs: number | null }[]> = {};
      for (let run = 0; run < runs; run++) {
        for (const variant of variantsOf) {
          const taken = await sample(variants[variant]![name]!, event, stack.env, stack.expectedErrors[name]);
          if (variant === 'now' && run === 0) answers[name] = taken.result;
          (samples[variant] ??= []).push(taken);
          await stack.settle();
        }
      }
      for (const [variant, list] of Object.entries(samples)) {
        const firstCalls = list.map((s) => s.firstCallMs).filter((ms): ms is number => ms !== null);
        Object.assign(figures[name][variant]!, { requireMs: median(list.map((s) => s.requireMs)), firstCallMs: firstCalls.length > 0 ? median(firstCalls) : null });
      }
      process.stdout.write(`${name} ${JSON.stringify(figures[name])}\n`);
    }
  } finally {
    await stack.close();
  }
  if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify({ runs, before: beforeRef ?? null, now: nowRef ?? 'working tree', figures }, null, 2)}\n`);

  const kib = (f?: Figures) => (f ? (f.bytes / 1024).toFixed(0) : '—');
  const ms = (value?: number | null) => (value === undefined || value === null ? '—' : value.toFixed(0));
  const withoutEvent = Object.keys(figures).filter((name) => !(name in stack.events));
  const rows = Object.entries(figures).map(([name, f]) =>
    `| ${name} | ${kib(f.before)} | ${kib(f.now)} | ${ms(f.before?.requireMs)} | ${ms(f.now?.requireMs)} | ${ms(f.before?.firstCallMs)} | ${ms(f.now?.firstCallMs)} |`);
  const report = [
    `\`npx tsx bench/lambda-bundles.ts --runs ${runs}${beforeRef ? ` --before ${beforeRef}` : ''}${nowRef ? ` --now ${nowRef}` : ''}\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| function | KiB before | KiB now | require ms before | require ms now | first call ms before | first call ms now |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...(withoutEvent.length > 0 ? [`No first event yet (require only): ${withoutEvent.join(', ')}: add one to bench/support/lambda-first-calls.ts.`, ''] : []),
  ].join('\n');
  if (out) fs.writeFileSync(out, report);
  else process.stdout.write(`\n${report}`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
