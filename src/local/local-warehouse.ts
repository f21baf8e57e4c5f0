/**
 * The production warehouse adapter over a local SQL engine: a local Redshift Data API endpoint on the
 * engine and the real `RedshiftDataClient` pointed at it. Used by the CLI, benchmarks and tests, so none
 * of them assembles endpoint, client and connection by hand.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { ConnectionTarget } from '../warehouse/connection-config';
import { RedshiftDataWarehouse } from '../warehouse/redshift-data-warehouse';
import { startLocalDataApi } from './data-api/local-data-api';
import type { SqlEngine } from './sql-engine/sql-engine';

/** The local endpoint accepts any workgroup; `local` mirrors a Serverless workgroup with IAM auth. */
export const LOCAL_CONNECTION: ConnectionTarget = { compute: { kind: 'serverless', workgroupName: 'local' }, database: 'dev', auth: { kind: 'iam' } };

export interface LocalWarehouse {
  warehouse: RedshiftDataWarehouse;
  /** The Data API endpoint, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Stops the client and the endpoint; the engine stays open (its owner closes it). */
  close(): Promise<void>;
}

/**
 * @example
 * const engine = await openPGliteEngine({ inMemory: true });
 * const { warehouse, close } = await connectLocalWarehouse(engine);
 */
export async function connectLocalWarehouse(engine: SqlEngine): Promise<LocalWarehouse> {
  const api = await startLocalDataApi({ engine, port: 0 });
  const client = new RedshiftDataClient({ endpoint: api.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    warehouse: new RedshiftDataWarehouse({ client, target: LOCAL_CONNECTION }),
    url: api.url,
    close: async () => {
      client.destroy();
      await api.close();
    },
  };
}
