/**
 * A crash and a failed loader sync follow the incident rules, on the local SNS outbox (team filter policy) and the
 * local DynamoDB incident table: the first one is emailed in full, a repeat is not, and a completed run resolves both.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { filterPolicyOf } from '../../src/alerts/alert-subscriptions';
import { DynamoDbIncidentStore } from '../../src/incidents/incident-store-dynamodb';
import { LocalDynamoDb, startLocalDynamoDb } from '../../src/local/aws/dynamodb';
import { startLocalCloud, type LocalCloud } from '../../src/local/aws/local-cloud';
import { LocalSnsOutbox, type PublishedEmail } from '../../src/local/aws/sns-outbox';
import { announceIncident, loaderIncidentKey } from '../../src/runtime/announce-incident';
import { publishCrashAlert } from '../../src/runtime/publish-crash-alert';
import { DEFAULT_ALERT_POLICY } from '../../src/incidents/incident';
import { updateBook } from '../../src/incidents/incident-store';
import { trackIncidents } from '../../src/incidents/track-incidents';
import { observationsOfRun } from '../../src/runtime/run-observations';
import type { Manifest, RunState } from '../../src/engine';
import { clientConfig, makeStateDir } from '../local/aws/support';

let dir: ReturnType<typeof makeStateDir>;
let cloud: LocalCloud;
let dynamo: { url: string; close: () => Promise<void> };
let sns: SNSClient;
let store: DynamoDbIncidentStore;
const emails: PublishedEmail[] = [];
const topicArn = 'arn:aws:sns:us-east-1:000000000000:landfall-alerts';

beforeAll(async () => {
  dir = makeStateDir();
  const outbox = new LocalSnsOutbox({ stateDir: dir.stateDir, topics: { 'landfall-alerts': { subscriptions: [{ email: 'team@example.com', filterPolicy: filterPolicyOf({ email: 'team@example.com' }) }] } }, onPublish: (e) => emails.push(e) });
  cloud = await startLocalCloud({ sns: outbox });
  sns = new SNSClient(clientConfig(cloud.url));
  dynamo = await startLocalDynamoDb(new LocalDynamoDb({ tables: { incidents: { partitionKey: 'pk' } } }));
  store = new DynamoDbIncidentStore(new DynamoDBClient(clientConfig(dynamo.url)), 'incidents', 'demo');
});

afterAll(async () => {
  sns.destroy();
  await cloud.close();
  await dynamo.close();
  dir.remove();
});

it('emails the first crash and the first loader failure once each; a completed run from that loader resolves both', async () => {
  const at = (h: number) => () => new Date(Date.UTC(2026, 11, 1, h));
  const crash = (name: string, h: number) => publishCrashAlert(
    { payload: { crashedIn: 'AdvanceRun', crash: { Error: 'Lambda.Unknown', Cause: 'timed out' } }, execution: { Id: `arn:aws:states:us-east-1:000000000000:execution:t:${name}`, Name: name } },
    { runStates: undefined as never, sns, topicArn, region: 'us-east-1', project: 'demo', incidents: store, now: at(h) },
  );
  await crash('run-1', 1);
  await crash('run-2', 2);
  const loaderFailure = (h: number) => announceIncident(
    { key: loaderIncidentKey('fivetran', 'app_db'), kind: 'loader', name: 'fivetran app_db', failing: true, severity: 'error', detail: 'FAILURE_WITH_TASK', owners: [], tags: [] },
    { subject: '[landfall] fivetran sync failed: app_db', body: 'The sync failed.' }, 'loader', { sns, topicArn, region: 'us-east-1', project: 'demo', incidents: store, now: at(h) },
  );
  await loaderFailure(3);
  await loaderFailure(4);
  expect(emails.map((e) => e.subject)).toEqual([expect.stringContaining('crashed'), '[landfall] fivetran sync failed: app_db']);

  // A run of that connector completes: no more crashes, the loader delivered.
  const observations = observationsOfRun({ nodes: [] } as unknown as RunState, { models: {}, seeds: {}, sources: {}, tests: {} } as unknown as Manifest, { loader: 'fivetran', connector: 'app_db' });
  const notices = await updateBook(store, (book) => {
    const r = trackIncidents(book, observations, at(5)(), DEFAULT_ALERT_POLICY);
    return { book: r.book, result: r.notices };
  });
  expect(notices).toEqual([expect.objectContaining({ kind: 'alert', opened: [], resolved: [expect.objectContaining({ kind: 'run' }), expect.objectContaining({ key: 'loader:fivetran:app_db' })] })]);
});
