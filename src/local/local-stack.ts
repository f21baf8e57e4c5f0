/**
 * The whole pipeline on a laptop: the production handlers and state machine definitions, with every
 * AWS service replaced by a local endpoint that speaks its wire protocol — the Redshift Data API on
 * PGlite (or PostgreSQL), Step Functions run by aws-local-stepfunctions, an EventBridge bus with the
 * rules from `events/rules/`, and SNS writing `.eml` files to an outbox. The handlers are the same
 * modules the Lambda functions bundle; they find the local endpoints through the standard
 * `AWS_ENDPOINT_URL_*` variables.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { StartExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DataArrivedEventSchema } from '../events/arrival';
import { TimedCoalescer } from '../runtime/coalesce/timed-coalescer';
import { arrivalSchedulingOf } from '../runtime/coalesce/arrival-settings';
import type { ArrivalConcurrency } from '../runtime/coalesce/dag-parts';
import type { Target } from '../engine';
import { compileProject } from '../engine/compile';
import { forgetCompiledManifest, MANIFEST_FILE } from '../runtime/compiled-project';
import type { ManifestWithAlerting } from '../alerts/alerting-facts';
import { filterPolicyOf } from '../alerts/alert-subscriptions';
import { resetAwsDependencies } from '../runtime/aws-dependencies';
import { LocalEventBus } from './aws/event-bus';
import { LocalDynamoDb, startLocalDynamoDb } from './aws/dynamodb';
import { startLocalCloud, localCloudEndpointEnvironment } from './aws/local-cloud';
import { LocalS3 } from './aws/s3';
import { DMS_TARGET_PREFIX, LocalDms } from './aws/dms';
import { LocalDeployment } from './aws/local-deployment';
import { sendsEventsToEventBridge } from './aws/s3-bucket-notifications';
import { s3RoutesOf } from '../ingest/s3-routes';
import { LocalSecretsManager } from './aws/secrets-manager';
import { LocalSnsOutbox, type PublishedEmail } from './aws/sns-outbox';
import { compileChecks } from '../deploy/compile-checks';
import { deployedRule } from '../deploy/rule-targets';
import { ServerlessTemplate } from '../deploy/serverless-template';
import { LocalStepFunctions, type TaskHandler } from './aws/step-functions';
import { deployedLambdaTimeout } from './aws/lambda-timeouts';
import { lambda, localFunctionArn, localFunctionName, releaseLocksWhenExecutionsClose, startWebhookServer } from './local-functions';
import { LocalLambda } from './aws/lambda';
import { startLocalDataApi } from './data-api/local-data-api';
import type { DataApiCounters } from './data-api/redshift-latency';
import { withCopyFromS3 } from './sql-engine/copy-from-s3';
import { localTarget, openLocalSqlEngines } from './local-warehouse';
import type { SqlEngine } from './sql-engine/sql-engine';
import { LocalFivetranApi } from './fivetran-api';
import { localReconciler } from './local-reconciler';
import type { ReconcileOutcome } from '../reconcile/run-reconciler';

export const TRANSFORM_STATE_MACHINE = 'landfall-transform-run';
/** Scheduled source freshness (state-machines/source-freshness.asl.json). */
export const FRESHNESS_STATE_MACHINE = 'landfall-source-freshness';
export const ALERT_TOPIC = 'landfall-alerts';
export const LOCAL_WEBHOOK_SECRET = 'local-fivetran-secret';
/** The Secrets Manager secret the webhook reads with GetSecretValue (serverless.yml's default `fivetranSecretName`). */
export const LOCAL_WEBHOOK_SECRET_NAME = 'landfall/fivetran-webhook-secret';
/** The bucket holding run states (serverless.yml's RunStateBucket), under `<stateDir>/s3/`. */
export const RUN_STATE_BUCKET = 'landfall-local-run-state';
export const RUN_LOCK_TABLE = 'landfall-run-locks';
/** The incident book's table (src/incidents, serverless/incidents.resources.yml). */
export const INCIDENT_TABLE = 'landfall-incidents';
/** Who the local alert topic delivers everything to (serverless.yml's alertEmail subscription). */
export const LOCAL_TEAM_EMAIL = 'data-team@example.com';

export interface LocalStackOptions {
  /** The repository root (holds `state-machines/`, `events/`). */
  repoRoot: string;
  projectDir: string;
  stateDir: string;
  /** A `postgres://` URL to run on a PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
  target?: Partial<Target>;
  /** Milliseconds standing in for each second of a Wait state (default 50). */
  waitTimeScaleMs?: number;
  /** Waits and Retry intervals take their real duration, `SecondsPath` included (the virtual-clock simulator, bench/support/virtual-clock.ts); wins over `waitTimeScaleMs`. */
  realWaits?: boolean;
  /** Port of the webhook endpoint (0: any free port). */
  webhookPort?: number;
  onEmail?: (email: PublishedEmail) => void;
  /** Wraps the task handlers (e.g. to print progress from the payloads they pass). */
  wrapTask?: (stateName: string, handler: TaskHandler) => TaskHandler;
  logLevel?: string;
  /** Arrivals are buffered this long and merged into one run (default 0: one run per arrival, still deduplicated and never overlapping). */
  coalesceWindowMs?: number;
  /** `serial` or `dag` arrival runs; default: landfall.yml's `arrivals.concurrency` (docs/arrivals.md § 3). */
  arrivalConcurrency?: ArrivalConcurrency;
  /** Test-only: the clock of the local Step Functions and Data API (a redrive "25 h later"). Default: the real time. */
  clock?: () => Date;
  /** Test-only: lets tests call `stepFunctions.injectFault` (tests/faults/). Never set outside tests. */
  faultInjection?: boolean;
}

export interface LocalStack {
  stepFunctions: LocalStepFunctions;
  /** Lambda's Invoke for the functions invoked directly (RenderPlans, by AdvanceRun); `invocations` counts them. */
  lambda: LocalLambda;
  eventBus: LocalEventBus;
  sns: LocalSnsOutbox;
  /** Holds the Fivetran webhook secret (`LOCAL_WEBHOOK_SECRET_NAME`); put a new value to rotate it. */
  secretsManager: LocalSecretsManager;
  /** DMS (DescribeReplicationTasks/DescribeReplications): one task per `meta.landfall.dms.task_id` of the project. */
  dms: LocalDms;
  engine: SqlEngine;
  /** What the local Data API did (calls by operation, statements, commits): benchmarks read it. */
  dataApiCounters: DataApiCounters;
  /** Buffers, deduplicates and serializes arrivals (the local stand-in for the SQS FIFO buffer and lease). */
  coalescer: TimedCoalescer;
  /** The folder standing in for S3: `<s3Dir>/<bucket>/<key>`. */
  s3Dir: string;
  transformStateMachineArn: string;
  /** The source freshness state machine that landfall.yml's freshness schedules start. */
  freshnessStateMachineArn: string;
  webhookUrl: string;
  endpoints: Record<string, string>;
  /** The Fivetran REST API the reconciler reads (`setConnection` a sync whose webhook never came). */
  fivetranApi: LocalFivetranApi;
  /** One reconciliation (src/reconcile/): missed arrivals put on the bus, silent connectors alerted. */
  reconcile(now?: number, settings?: { graceMs?: number }): Promise<ReconcileOutcome>;
  close(): Promise<void>;
}

/** The handler module behind each Task state of the transform state machine (for its deployed timeout). */
const TRANSFORM_TASK_MODULES: Record<string, string> = {
  PlanRun: 'plan-run',
  LockRun: 'lock-run',
  AdvanceRun: 'advance-run',
  RecordRun: 'record-run',
  PublishAlert: 'publish-alert',
  UpdateIncidents: 'publish-alert',
  PublishCrashAlert: 'publish-crash-alert',
  EndFailedRun: 'end-failed-run',
};

/**
 * Read a state machine definition and fill its `${Name}` placeholders, as CloudFormation's
 * DefinitionSubstitutions does when serverless.yml deploys the same file.
 */
export function loadDefinition(file: string, substitutions: Record<string, string>): object {
  const text = fs.readFileSync(file, 'utf8').replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) throw new Error(`${file}: no substitution for ${match}`);
    return value;
  });
  return JSON.parse(text) as object;
}

/**
 * @example
 * const stack = await startLocalStack({ repoRoot: '.', projectDir: 'dbt', stateDir: '.landfall' });
 * // POST a signed Fivetran webhook to stack.webhookUrl …
 * await stack.close();
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { repoRoot, stateDir } = options;
  fs.mkdirSync(stateDir, { recursive: true });
  const manifestPath = path.resolve(stateDir, MANIFEST_FILE);
  const target = localTarget(options.target);
  // The checks `landfall compile` runs: a bad `meta.landfall.dms.schedule` or `meta.landfall.s3` stops the stack, naming the source.
  const compiled = compileProject(options.projectDir, target, manifestPath, undefined, undefined, compileChecks(options.projectDir)) as ManifestWithAlerting;
  forgetCompiledManifest();

  // The alert topic's subscriptions as serverless.yml creates them: the team (everything) and landfall.yml's subscribers with their filter policies.
  const subscribers = compiled.alerting?.settings.alerts.subscribers ?? [];
  const alertSubscriptions = [{ email: LOCAL_TEAM_EMAIL, filterPolicy: filterPolicyOf({ email: LOCAL_TEAM_EMAIL }) }, ...subscribers.map((s) => ({ email: s.email, filterPolicy: filterPolicyOf(s) }))];
  const sns = new LocalSnsOutbox({ stateDir, topics: { [ALERT_TOPIC]: { subscriptions: alertSubscriptions, displayName: 'landfall' } }, onPublish: options.onEmail });
  const eventBus = new LocalEventBus({ stateDir });

  const wrap = options.wrapTask ?? ((_name: string, handler: TaskHandler) => handler);
  const definition = loadDefinition(path.join(repoRoot, 'state-machines', 'transform-run.asl.json'), {
    PlanRunFunctionArn: localFunctionArn('plan-run'),
    LockRunFunctionArn: localFunctionArn('lock-run'),
    AdvanceRunFunctionArn: localFunctionArn('advance-run'),
    RecordRunFunctionArn: localFunctionArn('record-run'),
    PublishAlertFunctionArn: localFunctionArn('publish-alert'),
    PublishCrashAlertFunctionArn: localFunctionArn('publish-crash-alert'),
    EndFailedRunFunctionArn: localFunctionArn('end-failed-run'),
  });
  const stepFunctions = new LocalStepFunctions({
    stateDir,
    now: options.clock,
    faultInjection: options.faultInjection,
    stateMachines: {
      [TRANSFORM_STATE_MACHINE]: {
        definition,
        taskHandlers: {
          PlanRun: wrap('PlanRun', lambda(repoRoot, 'plan-run')),
          LockRun: wrap('LockRun', lambda(repoRoot, 'lock-run')),
          AdvanceRun: wrap('AdvanceRun', lambda(repoRoot, 'advance-run')),
          RecordRun: wrap('RecordRun', lambda(repoRoot, 'record-run')),
          PublishAlert: wrap('PublishAlert', lambda(repoRoot, 'publish-alert')),
          UpdateIncidents: wrap('UpdateIncidents', lambda(repoRoot, 'publish-alert')),
          PublishCrashAlert: wrap('PublishCrashAlert', lambda(repoRoot, 'publish-crash-alert')),
          EndFailedRun: wrap('EndFailedRun', lambda(repoRoot, 'end-failed-run')),
        },
        waitTimeScaleMs: options.realWaits ? undefined : options.waitTimeScaleMs ?? 50,
        // Each task fails as Lambda would once its handler runs past the function's deployed timeout.
        lambdaTimeouts: Object.fromEntries(
          Object.entries(TRANSFORM_TASK_MODULES).flatMap(([state, module]) => {
            const seconds = deployedLambdaTimeout(repoRoot, module);
            return seconds === undefined ? [] : [[state, seconds]];
          }),
        ),
      },
      [FRESHNESS_STATE_MACHINE]: {
        definition: loadDefinition(path.join(repoRoot, 'state-machines', 'source-freshness.asl.json'), {
          SubmitFreshnessFunctionArn: localFunctionArn('submit-freshness'),
          CollectFreshnessFunctionArn: localFunctionArn('collect-freshness'),
        }),
        taskHandlers: {
          SubmitFreshness: wrap('SubmitFreshness', lambda(repoRoot, 'submit-freshness')),
          CollectFreshness: wrap('CollectFreshness', lambda(repoRoot, 'collect-freshness')),
        },
        waitTimeScaleMs: options.realWaits ? undefined : options.waitTimeScaleMs ?? 50,
      },
    },
  });
  const s3Dir = path.resolve(stateDir, 's3');
  const engine = withCopyFromS3((await openLocalSqlEngines({ stateDir, databaseUrl: options.databaseUrl }))[0]!, { s3Dir });
  // The Redshift dialect runs on a strict Data API: it refuses what Redshift refuses (sql-engine/redshift-strict.ts).
  const dataApi = await startLocalDataApi({ engine, port: 0, redshiftStrict: target.type === 'redshift', now: options.clock }).catch(async (error) => {
    await engine.close();
    throw error;
  });
  const s3 = new LocalS3(s3Dir);
  s3.createBucket(RUN_STATE_BUCKET);
  // The stack as `landfall doctor` sees a deployment: CloudFormation outputs/resources, DLQ, alarm, subscriptions.
  const deployment = new LocalDeployment();
  const secretsManager = new LocalSecretsManager();
  secretsManager.putSecretString(LOCAL_WEBHOOK_SECRET_NAME, process.env.FIVETRAN_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET);
  const dms = new LocalDms();
  for (const source of Object.values((JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { sources: Record<string, { meta?: { landfall?: { dms?: { task_id?: unknown } } } }> }).sources)) {
    const taskId = source.meta?.landfall?.dms?.task_id;
    if (typeof taskId === 'string') dms.putTask({ identifier: taskId });
  }
  const extraRoutes = {
    ...deployment.extraRoutes,
    'secretsmanager.': ((request, response) => void secretsManager.handle(request, response)) as http.RequestListener,
    [DMS_TARGET_PREFIX]: ((request, response) => void dms.handle(request, response)) as http.RequestListener,
  };
  // AdvanceRun renders through RenderPlans (src/runtime/lambda-renderer.ts) with a real Invoke, as deployed.
  const lambdaService = new LocalLambda().register(localFunctionName('render-plans'), lambda(repoRoot, 'render-plans'));
  const cloud = await startLocalCloud({ port: 0, stepFunctions, eventBus, sns, s3, lambda: lambdaService, extraRoutes, queryRoutes: deployment.queryRoutes });
  // The per-model run locks' table (run-locks.ts): every execution's LockRun takes its models' locks there.
  const dynamoDb = await startLocalDynamoDb(new LocalDynamoDb({ tables: { [RUN_LOCK_TABLE]: { partitionKey: 'pk' }, [INCIDENT_TABLE]: { partitionKey: 'pk' } } }));

  const endpoints = { ...localCloudEndpointEnvironment(cloud.url), ...deployment.endpointEnvironment(cloud.url), AWS_ENDPOINT_URL_REDSHIFT_DATA: dataApi.url, AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.url, AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.url, AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE: cloud.url };
  Object.assign(process.env, {
    ...endpoints,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    LANDFALL_DIALECT: target.type,
    LANDFALL_REDSHIFT_WORKGROUP: 'local',
    LANDFALL_REDSHIFT_DATABASE: 'dev',
    LANDFALL_MANIFEST_PATH: manifestPath,
    LANDFALL_ALERT_TOPIC_ARN: sns.topicArn(ALERT_TOPIC),
    LANDFALL_EVENT_BUS_NAME: eventBus.eventBusName,
    LANDFALL_SETTLE_SECONDS: '1',
    LANDFALL_RUN_STATE_BUCKET: RUN_STATE_BUCKET,
    LANDFALL_RENDER_FUNCTION: localFunctionArn('render-plans'),
    LANDFALL_S3_FORCE_PATH_STYLE: 'true',
    LANDFALL_RUN_LOCK_TABLE: RUN_LOCK_TABLE,
    LANDFALL_INCIDENT_TABLE: INCIDENT_TABLE,
    FIVETRAN_WEBHOOK_SECRET: process.env.FIVETRAN_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET,
    FIVETRAN_WEBHOOK_SECRET_ID: LOCAL_WEBHOOK_SECRET_NAME,
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
  });
  delete process.env.LANDFALL_REDSHIFT_CLUSTER;
  resetAwsDependencies();

  const transformStateMachineArn = stepFunctions.stateMachineArn(TRANSFORM_STATE_MACHINE);
  const lockReleases = releaseLocksWhenExecutionsClose(stepFunctions);
  const sfn = new SFNClient({});
  const rulesDir = path.join(repoRoot, 'events', 'rules');
  const readRule = (file: string) => JSON.parse(fs.readFileSync(path.join(rulesDir, file), 'utf8'));
  // The same rules serverless.yml deploys: Data Arrived goes through the coalescer (dedupe, window,
  // no overlap), whose batches load their S3 objects and then start the transform state machine…
  const coalescedManifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const scheduling = arrivalSchedulingOf(coalescedManifest);
  const coalescer = new TimedCoalescer({
    manifest: coalescedManifest,
    windowMs: options.coalesceWindowMs ?? 0,
    concurrency: options.arrivalConcurrency ?? scheduling.concurrency,
    maxConcurrentRuns: scheduling.maxConcurrentRuns,
    startRun: async (batch) => {
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: transformStateMachineArn, name: batch.name, input: JSON.stringify(batch.executionInput) }));
      await stepFunctions.waitForExecution(started.executionArn!);
    },
  });
  // DataArrivedRule as serverless.yml deploys it: its pattern, and its SQS FIFO target checked as EventBridge would.
  const dataArrived = deployedRule(new ServerlessTemplate(repoRoot, { stage: 'local', region: 'us-east-1', accountId: '000000000000' }), 'DataArrivedRule');
  eventBus.addRule('start-transform-run', dataArrived.pattern, async (event) => {
    await coalescer.acceptAndWait(DataArrivedEventSchema.parse(event));
  }, { sqsTargets: dataArrived.sqsTargets });
  // …DMS and S3 events (the default bus in AWS) are normalized into landfall events…
  const dmsEvent = lambda(repoRoot, 'dms-event');
  eventBus.addRule('dms-event', readRule('dms-task-state-change.json'), async (event) => {
    await dmsEvent(event);
  });
  const s3ObjectCreated = lambda(repoRoot, 's3-object-created');
  eventBus.addRule('s3-object-created', readRule('s3-object-created.json'), async (event) => {
    // S3 puts a bucket's events on EventBridge only while its EventBridgeConfiguration is on; refused here (and
    // logged in deliveries.jsonl) instead of acting on an event AWS would never have sent.
    const bucket = String((event as { detail?: { bucket?: { name?: unknown } } }).detail?.bucket?.name ?? '');
    if (!sendsEventsToEventBridge(s3Dir, bucket)) throw new Error(`S3 sends no events for bucket ${bucket}: its EventBridge notifications are off (landfall doctor --local)`);
    await s3ObjectCreated(event);
  });
  // …and Loader Failed emails the team.
  const loaderFailedAlert = lambda(repoRoot, 'loader-failed-alert');
  eventBus.addRule('loader-failed-alert', readRule('loader-failed.json'), async (event) => {
    await loaderFailedAlert(event);
  });

  const webhook = await startWebhookServer(repoRoot, options.webhookPort ?? 0);
  // The reconciler's view of Fivetran: one connection per routed connector id, no sync known yet.
  const fivetranApi = new LocalFivetranApi();
  await fivetranApi.start();
  for (const source of Object.values((JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { sources: Record<string, { meta?: { landfall?: { fivetran?: { connector_id?: unknown } } } }> }).sources)) {
    const connectorId = source.meta?.landfall?.fivetran?.connector_id;
    if (typeof connectorId === 'string') fivetranApi.setConnection({ id: connectorId });
  }
  const reconcile = localReconciler({
    manifest: () => JSON.parse(fs.readFileSync(manifestPath, 'utf8')), coalescer, fivetranApi,
    eventBusName: eventBus.eventBusName, topicArn: sns.topicArn(ALERT_TOPIC),
  });
  deployment.register({
    webhookUrl: webhook.url, transformStateMachineArn, alertTopicArn: sns.topicArn(ALERT_TOPIC), alertEmails: alertSubscriptions.map((s) => s.email), s3Dir,
    buckets: s3RoutesOf(JSON.parse(fs.readFileSync(manifestPath, 'utf8'))).map((route) => route.bucket),
  });
  return {
    stepFunctions,
    lambda: lambdaService,
    eventBus,
    sns,
    secretsManager,
    dms,
    engine,
    dataApiCounters: dataApi.counters,
    coalescer,
    s3Dir,
    transformStateMachineArn,
    freshnessStateMachineArn: stepFunctions.stateMachineArn(FRESHNESS_STATE_MACHINE),
    webhookUrl: webhook.url,
    endpoints: { ...endpoints, webhook: webhook.url },
    fivetranApi,
    reconcile,
    close: async () => {
      await eventBus.whenIdle();
      await coalescer.whenIdle();
      coalescer.dispose();
      await stepFunctions.waitForAllExecutions();
      await Promise.all(lockReleases);
      await webhook.close();
      await fivetranApi.close();
      await dynamoDb.close();
      await cloud.close();
      await dataApi.close();
      await engine.close();
    },
  };
}
