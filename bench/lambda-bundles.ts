/**
 * Lambda bundle size and cold initialisation, for every function in functions/, bundled two ways from the same
 * sources in the same run:
 * - baseline: the esbuild options used before (bundle + minify + node22 + the embedded manifest; esbuild's default
 *   CommonJS builds of the AWS SDK, the SDK's full credential chain, every imported module kept);
 * - current: `lambdaBuildOptions` from esbuild.config.js, exactly what `npm run package` ships.
 *
 * Cold init is measured in a fresh Node process per sample (what a Lambda cold start pays): `require` of the bundle,
 * then, for the functions whose first call needs no warehouse (webhook, normalizers, loader-failure email), the first
 * handler call against local endpoints speaking the real wire protocols (EventBridge, SNS, Secrets Manager).
 * The Data API functions' first call needs a compiled project and a warehouse; only their require is measured.
 *
 * Usage: npx tsx bench/lambda-bundles.ts [--runs 5] [--out bench/RESULTS-lambda-bundles.md]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { signFivetranBody } from '../src/events/fivetran/signature';
import { LocalEventBus } from '../src/local/aws/event-bus';
import { localCloudEndpointEnvironment, startLocalCloud } from '../src/local/aws/local-cloud';
import { LocalSecretsManager } from '../src/local/aws/secrets-manager';
import { LocalSnsOutbox } from '../src/local/aws/sns-outbox';
import { median, numberFlag, stringFlag } from './support/simple-models-project';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lambdaBuildOptions, manifestFile } = require('../esbuild.config.js') as {
  lambdaBuildOptions: (manifestJson: string) => Record<string, unknown>;
  manifestFile: string;
};

const args = process.argv.slice(2);
const runs = numberFlag(args, 'runs', 5);
const out = stringFlag(args, 'out');
const repo = path.resolve(__dirname, '..');
const secret = 'bench-fivetran-secret';

function readSample(file: string): string {
  return fs.readFileSync(path.join(repo, 'events', 'samples', file), 'utf8');
}

/** The first event of each function whose first call needs no warehouse. */
function firstEvents(): Record<string, unknown> {
  const body = JSON.stringify(JSON.parse(readSample('fivetran/sync-end-successful.json')));
  return {
    'fivetran-webhook': { body, isBase64Encoded: false, headers: { 'x-fivetran-signature-256': signFivetranBody(body, secret) } },
    'dms-event': JSON.parse(readSample('dms/task-stopped-full-load-finished.json')),
    's3-object-created': JSON.parse(readSample('s3/object-created-firehose.json')),
    'loader-failed-alert': JSON.parse(readSample('landfall/loader-failed.json')),
  };
}

const childScript = `
const { performance } = require('node:perf_hooks');
const [file, eventJson] = process.argv.slice(1);
const t0 = performance.now();
const mod = require(file);
const t1 = performance.now();
const context = { functionName: 'bench', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '512', awsRequestId: 'bench', logGroupName: '/aws/lambda/bench', logStreamName: 'bench', getRemainingTimeInMillis: () => 60000 };
(async () => {
  let firstCallMs = null;
  if (eventJson) {
    const result = await mod.handler(JSON.parse(eventJson), context);
    if (result && result.statusCode && result.statusCode >= 400) throw new Error('first call answered ' + JSON.stringify(result));
    firstCallMs = performance.now() - t1;
  }
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, firstCallMs }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface Figures {
  bytes: number;
  requireMs: number;
  firstCallMs: number | null;
}

async function build(entry: string, outDir: string, options: Record<string, unknown>): Promise<string> {
  const outfile = path.join(outDir, `${path.basename(entry, '.ts')}.js`);
  await esbuild({ ...options, entryPoints: [entry], outfile, sourcemap: false, logLevel: 'error' } as never);
  return outfile;
}

/** Asynchronous: the local endpoints answering the child live in this process. */
async function measure(file: string, event: unknown, env: NodeJS.ProcessEnv): Promise<Figures> {
  const samples: { requireMs: number; firstCallMs: number | null }[] = [];
  for (let run = 0; run < runs; run++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', childScript, file, event === undefined ? '' : JSON.stringify(event)], { env, encoding: 'utf8' });
    samples.push(JSON.parse(stdout) as { requireMs: number; firstCallMs: number | null });
  }
  const firstCalls = samples.map((s) => s.firstCallMs).filter((ms): ms is number => ms !== null);
  return {
    bytes: fs.statSync(file).size,
    requireMs: median(samples.map((s) => s.requireMs)),
    firstCallMs: firstCalls.length > 0 ? median(firstCalls) : null,
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: run \`npm run package\` (or landfall compile --out it) first`);
  const manifestJson = fs.readFileSync(manifestFile, 'utf8');
  const current = lambdaBuildOptions(manifestJson);
  const baseline = { bundle: true, minify: true, target: 'node22', platform: 'node', define: current.define };

  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bundles-'));
  const eventBus = new LocalEventBus({ stateDir, eventBusName: 'landfall-bench' });
  const sns = new LocalSnsOutbox({ stateDir, topics: { 'landfall-bench-alerts': { emailAddresses: ['bench@example.com'] } } });
  const secrets = new LocalSecretsManager();
  secrets.putSecretString('landfall/fivetran-webhook-secret', secret);
  const cloud = await startLocalCloud({ eventBus, sns, extraRoutes: { 'secretsmanager.': (q, r) => void secrets.handle(q, r) } });
  const env = {
    ...process.env,
    ...localCloudEndpointEnvironment(cloud.url),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    LANDFALL_EVENT_BUS_NAME: 'landfall-bench',
    LANDFALL_ALERT_TOPIC_ARN: sns.topicArn('landfall-bench-alerts'),
    FIVETRAN_WEBHOOK_SECRET_ID: 'landfall/fivetran-webhook-secret',
    FIVETRAN_WEBHOOK_SECRET: secret,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };

  const events = firstEvents();
  const rows: string[] = [];
  try {
    for (const entry of fs.readdirSync(path.join(repo, 'functions')).filter((f) => f.endsWith('.ts')).sort()) {
      const name = path.basename(entry, '.ts');
      const before = await measure(await build(path.join(repo, 'functions', entry), path.join(stateDir, 'baseline'), baseline), events[name], env);
      const after = await measure(await build(path.join(repo, 'functions', entry), path.join(stateDir, 'current'), current), events[name], env);
      const kib = (bytes: number) => (bytes / 1024).toFixed(0);
      const ms = (value: number | null) => (value === null ? '—' : value.toFixed(0));
      rows.push(
        `| ${name} | ${kib(before.bytes)} | ${kib(after.bytes)} | ${ms(before.requireMs)} | ${ms(after.requireMs)} | ${ms(before.firstCallMs)} | ${ms(after.firstCallMs)} |`,
      );
      process.stdout.write(`${rows.at(-1)}\n`);
    }
  } finally {
    await cloud.close();
  }

  const report = [
    '# Lambda bundles: size and cold initialisation',
    '',
    `\`npx tsx bench/lambda-bundles.ts --runs ${runs}\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    `Sizes are the minified bundle without source map, including the embedded compiled project (${(Buffer.byteLength(JSON.stringify(manifestJson)) / 1024).toFixed(0)} KiB for dbt/).`,
    'Times are medians of fresh Node processes: `require` of the bundle, and for the functions whose first call needs no warehouse, the first handler call after it, against local EventBridge/SNS/Secrets Manager endpoints (the webhook\'s includes its GetSecretValue now).',
    '"Before" is the esbuild options used before (esbuild\'s CommonJS builds of the SDK, its full credential chain, every imported module kept) on today\'s sources.',
    '',
    '| function | KiB before | KiB now | require ms before | require ms now | first call ms before | first call ms now |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  if (out) fs.writeFileSync(out, report);
  else process.stdout.write(`\n${report}`);
}

void main();
