/** The local DMS endpoint's paging, through the production SDK client. */
import { DatabaseMigrationServiceClient, DescribeReplicationTasksCommand } from '@aws-sdk/client-database-migration-service';
import { DMS_TARGET_PREFIX, LocalDms } from '../../../src/local/aws/dms';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { clientConfig } from './support';

let cloud: LocalCloud;
let client: DatabaseMigrationServiceClient;

beforeAll(async () => {
  const dms = new LocalDms();
  for (let i = 0; i < 25; i++) dms.putTask({ identifier: `task-${String(i).padStart(2, '0')}` });
  cloud = await startLocalCloud({ extraRoutes: { [DMS_TARGET_PREFIX]: (request, response) => void dms.handle(request, response) } });
  client = new DatabaseMigrationServiceClient(clientConfig(cloud.url));
});

afterAll(async () => {
  client.destroy();
  await cloud.close();
});

describe('DescribeReplicationTasks paging', () => {
  it('returns every task once over pages of MaxRecords, the last page without a Marker', async () => {
    const first = await client.send(new DescribeReplicationTasksCommand({ MaxRecords: 20 }));
    expect(first.ReplicationTasks).toHaveLength(20);
    expect(first.Marker).toBeDefined();
    const second = await client.send(new DescribeReplicationTasksCommand({ MaxRecords: 20, Marker: first.Marker }));
    expect(second.ReplicationTasks).toHaveLength(5);
    expect(second.Marker).toBeUndefined();
    const identifiers = [...first.ReplicationTasks!, ...second.ReplicationTasks!].map((task) => task.ReplicationTaskIdentifier);
    expect(new Set(identifiers).size).toBe(25);
  });

  it('refuses a Marker it did not issue (InvalidParameterValueException), rather than answering an empty page', async () => {
    await expect(client.send(new DescribeReplicationTasksCommand({ Marker: 'not-a-marker' }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });
});
