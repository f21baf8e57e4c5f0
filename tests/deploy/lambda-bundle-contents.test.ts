/**
 * What the transform run's task bundles hold (functions/README.md, bench/RESULTS-lambda-bundles.md): each carries only
 * the SDK clients it calls, and only RenderPlans the template engine (AdvanceRun invokes it). A new import that drags
 * the Jinja engine or the lock table's clients back into PlanRun, EndFailedRun, PublishAlert or AdvanceRun (or zod, SNS
 * or the run history's writers into AdvanceRun, or any AWS client into RenderPlans) fails here with the import chain, before the
 * size budget (scripts/check-bundle-budget.js) notices the growth.
 */
import path from 'node:path';
import { build, type Metafile } from 'esbuild';

const repo = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lambdaBuildOptions } = require('../../esbuild.config.js') as { lambdaBuildOptions: (manifestJson: string) => Record<string, unknown> };
const manifest = JSON.stringify({ landfallVersion: 1, projectName: 'bundle_test', models: {} });

/** The packages and project folders whose code ends up in a function's bundle (bytes in the output > 0). */
async function contentsOf(fn: string): Promise<{ inputs: string[]; chainTo: (pattern: RegExp) => string }> {
  const { metafile } = await build({
    ...lambdaBuildOptions(manifest), entryPoints: [path.join(repo, 'functions', `${fn}.ts`)], write: false, outdir: path.join(repo, '.landfall', 'bundle-contents'),
    sourcemap: false, metafile: true, logLevel: 'error',
  } as never) as unknown as { metafile: Metafile };
  const output = Object.values(metafile.outputs)[0]!;
  const inputs = Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([file]) => file);
  /** One import chain from the entry to a file matching `pattern`, for the failure message. */
  const chainTo = (pattern: RegExp) => {
    const entry = Object.keys(metafile.inputs).find((f) => f.startsWith('functions/'))!;
    const from = new Map<string, string | null>([[entry, null]]);
    const queue = [entry];
    while (queue.length) {
      const file = queue.shift()!;
      for (const imported of metafile.inputs[file]?.imports ?? []) {
        if (from.has(imported.path)) continue;
        from.set(imported.path, file);
        queue.push(imported.path);
      }
    }
    const target = inputs.find((f) => pattern.test(f));
    const chain: string[] = [];
    for (let at: string | null | undefined = target; at; at = from.get(at)) chain.unshift(at);
    return chain.join(' -> ');
  };
  return { inputs, chainTo };
}

const JINJA = /node_modules\/nunjucks\/|src\/engine\/jinja\//;
const LOCK_CLIENTS = /node_modules\/@aws-sdk\/client-(dynamodb|sfn)\//;
const DATA_API = /node_modules\/@aws-sdk\/client-redshift-data\//;
// The S3 routes are checked in plain code (src/ingest/s3-routes.ts): no schema library on AdvanceRun's path.
const ZOD = /node_modules\/zod\//;
// The quarantine alert is sent by PublishAlert / UpdateIncidents at the end of the run (src/runtime/quarantine-alert.ts).
const SNS = /node_modules\/@aws-sdk\/client-sns\//;
// The run history's writers (dbt artifacts, the docs site's run page): RecordRun's, and EndFailedRun's for a crashed run.
const RUN_HISTORY = /src\/runtime\/run-history-store\.ts|src\/artifacts\/manifest-artifact\.ts/;
// AdvanceRun asks RenderPlans for its plans (src/runtime/lambda-renderer.ts): the Lambda client, not the templates.
const LAMBDA = /node_modules\/@aws-sdk\/client-lambda\//;
// The planners (tables, views, incremental, snapshots, seeds); prepare-run.ts keeps the partition context and grants.
const MATERIALIZATIONS = /src\/engine\/materializations\/(index|table|view|incremental|snapshot|seed|contract)\.ts/;
const ANY_AWS_CLIENT = /node_modules\/@aws-sdk\/client-/;

describe('the transform tasks carry only what they call', () => {
  const cases: [fn: string, absent: [RegExp, string][], present: RegExp[]][] = [
    ['plan-run', [[JINJA, 'the Jinja engine'], [LOCK_CLIENTS, 'the lock table clients'], [DATA_API, 'the Data API'], [RUN_HISTORY, 'the run history writers']], [/client-s3\//]],
    // The Data API: a failed run cancels its statements in flight before its locks go (cancel-statements-in-flight.ts).
    ['end-failed-run', [[JINJA, 'the Jinja engine'], [LOCK_CLIENTS, 'the lock table clients']], [/client-s3\//, DATA_API]],
    ['lock-run', [[JINJA, 'the Jinja engine'], [DATA_API, 'the Data API']], [/client-dynamodb\//, /client-sfn\//]],
    ['publish-alert', [[JINJA, 'the Jinja engine']], [DATA_API, /client-sns\//]],
    ['advance-run', [[JINJA, 'the Jinja engine'], [MATERIALIZATIONS, 'the materializations'], [LOCK_CLIENTS, 'the lock table clients'], [ZOD, 'zod'], [RUN_HISTORY, 'the run history writers'], [SNS, 'the SNS client']], [DATA_API, LAMBDA]],
    // Everything it renders arrives in its event (src/runtime/render-plans.ts): no AWS client at all.
    ['render-plans', [[ANY_AWS_CLIENT, 'an AWS SDK client'], [DATA_API, 'the Data API']], [JINJA, MATERIALIZATIONS]],
    ['record-run', [[JINJA, 'the Jinja engine'], [LOCK_CLIENTS, 'the lock table clients'], [DATA_API, 'the Data API']], [/client-s3\//, RUN_HISTORY]],
  ];
  it.each(cases)('%s', async (fn, absent, present) => {
    const { inputs, chainTo } = await contentsOf(fn);
    for (const [pattern, what] of absent) {
      expect({ fn, carries: what, through: inputs.some((f) => pattern.test(f)) ? chainTo(pattern) : 'nothing' }).toEqual({ fn, carries: what, through: 'nothing' });
    }
    for (const pattern of present) expect(inputs.some((f) => pattern.test(f))).toBe(true);
  }, 60_000);
});
