/**
 * The incident book as the functions build it: the DynamoDB table `LANDFALL_INCIDENT_TABLE` (serverless/incidents.resources.yml;
 * locally the same adapter on the local DynamoDB endpoint). Without the variable there is no memory between runs:
 * every failing run alerts as if it were the first (landfall's behaviour before incidents), and a warning says so once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { emptyBook } from '../incidents/incident';
import type { IncidentStore } from '../incidents/incident-store';
import { DynamoDbIncidentStore } from '../incidents/incident-store-dynamodb';

let cached: { key: string; store: IncidentStore } | undefined;
let warned = false;

/** Remembers nothing: every run starts from an empty book. */
export const STATELESS_INCIDENT_STORE: IncidentStore = {
  load: async () => ({ book: emptyBook(), version: 0 }),
  save: async () => true,
};

export function incidentStoreFromEnvironment(project: string): IncidentStore {
  const table = process.env.LANDFALL_INCIDENT_TABLE;
  if (!table) {
    if (!warned) console.warn('LANDFALL_INCIDENT_TABLE is not set: alerts have no memory between runs (every failing run emails)');
    warned = true;
    return STATELESS_INCIDENT_STORE;
  }
  const key = [table, project, process.env.AWS_ENDPOINT_URL_DYNAMODB].join('\n');
  if (cached?.key !== key) cached = { key, store: new DynamoDbIncidentStore(new DynamoDBClient({}), table, project) };
  return cached.store;
}
