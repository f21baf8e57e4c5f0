/** The transform runs' state store in S3 (`LANDFALL_RUN_STATE_BUCKET`), and the load nodes' steps, once per container. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3LoadSteps } from '../ingest/load-steps';
import { objectStoreFromEnvironment } from '../ingest/s3-object-store';
import { awsManifest } from './aws-manifest';
import { once, required } from './environment';
import { S3RunStateStore } from './run-state-store';

// Path-style addressing only against a local endpoint (`http://127.0.0.1:<port>/<bucket>/<key>`).
export const awsRunStates = /* @__PURE__ */ once(() => new S3RunStateStore(
  new S3Client({ forcePathStyle: process.env.LANDFALL_S3_FORCE_PATH_STYLE === 'true' }),
  () => required('LANDFALL_RUN_STATE_BUCKET'),
  process.env.LANDFALL_RUN_STATE_PREFIX ?? 'runs/',
));

// COPYs of landed objects (load nodes); `default` (also when the deployment leaves the variable empty) is the
// workgroup's or cluster's default IAM role.
export const awsLoadSteps = /* @__PURE__ */ once(() => new S3LoadSteps({
  manifest: awsManifest(),
  objectStore: objectStoreFromEnvironment(),
  iamRole: process.env.LANDFALL_COPY_IAM_ROLE || 'default',
}));
