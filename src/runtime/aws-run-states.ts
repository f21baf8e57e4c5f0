/** The transform runs' state store in S3 (`LANDFALL_RUN_STATE_BUCKET`), and the load nodes' steps, once per container. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3LoadSteps } from '../ingest/load-steps';
import { objectStoreFromEnvironment } from '../ingest/s3-object-store';
import { awsManifest } from './aws-manifest';
import { once, required } from './environment';
import { S3RunStateStore } from './run-state-store';
import { S3RunHistoryStore } from './run-history-store';
import { S3ModelDurationStore } from './model-durations';
import { maxStatementsInFlightOf, StatementSlots } from './statement-slots';
import { S3SlotLedgerStore } from './statement-slots-s3';
import type { Manifest } from '../engine';
import { awsDocsSite, publishingToDocsSite } from './aws-docs-site';

// Path-style addressing only against a local endpoint (`http://127.0.0.1:<port>/<bucket>/<key>`).
const runStateBucketClient = /* @__PURE__ */ once(() => new S3Client({ forcePathStyle: process.env.LANDFALL_S3_FORCE_PATH_STYLE === 'true' }));

export const awsRunStates = /* @__PURE__ */ once(() => new S3RunStateStore(
  runStateBucketClient(),
  () => required('LANDFALL_RUN_STATE_BUCKET'),
  process.env.LANDFALL_RUN_STATE_PREFIX ?? 'runs/',
));

// The run history (run-history-store.ts): the same bucket, its own `history/` prefix. Each recorded run's page also
// goes to the docs site's bucket when the deployment has one (aws-docs-site.ts).
export const awsRunHistory = /* @__PURE__ */ once(() => publishingToDocsSite(new S3RunHistoryStore(runStateBucketClient(), () => required('LANDFALL_RUN_STATE_BUCKET')), awsDocsSite()));

// What each model took the last time it was built (model-durations.ts): written by RecordRun, read by PlanRun.
export const awsModelDurations = /* @__PURE__ */ once(() => new S3ModelDurationStore(runStateBucketClient(), () => required('LANDFALL_RUN_STATE_BUCKET')));

// Statements in flight across runs (statement-slots.ts): a ledger in the same bucket and through the same client as
// the run states (no second connection on a cold start), bounded by landfall.yml's setting in the manifest it runs.
export function awsStatementSlots(manifest: Manifest): StatementSlots {
  return new StatementSlots({ store: new S3SlotLedgerStore(runStateBucketClient(), required('LANDFALL_RUN_STATE_BUCKET')), bound: maxStatementsInFlightOf(manifest) });
}

// COPYs of landed objects (load nodes); `default` (also when the deployment leaves the variable empty) is the
// workgroup's or cluster's default IAM role.
export const awsLoadSteps = /* @__PURE__ */ once(() => new S3LoadSteps({
  manifest: awsManifest(),
  objectStore: objectStoreFromEnvironment(),
  iamRole: process.env.LANDFALL_COPY_IAM_ROLE || 'default',
  // A poison object is set aside (src/ingest/quarantine-steps.ts); PublishAlert / UpdateIncidents email it when the
  // run is done (quarantine-alert.ts), so AdvanceRun carries no SNS client.
}));
