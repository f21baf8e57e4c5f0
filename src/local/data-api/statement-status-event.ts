/** The EventBridge event the Data API emits when a statement submitted `WithEvent` ends (reference §4.5). */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from '../aws/event-bus';
import type { StatementRecord } from './statement-submission';

export interface StatementStatusChangeEvent extends EventBridgeEvent<{
  principal: string;
  statementName: string;
  statementId: string;
  redshiftQueryId: number;
  state: 'FINISHED' | 'FAILED' | 'ABORTED';
  rows: number;
  expireAt: number;
}> {
  'detail-type': 'Redshift Data Statement Status Change';
  source: 'aws.redshift-data';
}

/** The event for an ended statement; `expireAt` is its creation plus the retention (24 h in AWS). */
export function statusChangeEvent(record: StatementRecord, where: { account: string; region: string; retentionSeconds: number }): StatementStatusChangeEvent {
  const { account, region } = where;
  const { ClusterIdentifier, WorkgroupName } = record.connection;
  const resource = ClusterIdentifier
    ? `arn:aws:redshift:${region}:${account}:cluster:${ClusterIdentifier}`
    : `arn:aws:redshift-serverless:${region}:${account}:workgroup/${WorkgroupName}`;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Redshift Data Statement Status Change',
    source: 'aws.redshift-data',
    account,
    time: record.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [resource],
    detail: {
      principal: `arn:aws:iam::${account}:user/${record.connection.DbUser ?? 'local'}`,
      statementName: record.statementName ?? '',
      statementId: record.id,
      redshiftQueryId: -1,
      state: record.status as 'FINISHED' | 'FAILED' | 'ABORTED',
      rows: Math.max(record.resultRows, 0),
      expireAt: Math.floor(record.createdAt.getTime() / 1000) + where.retentionSeconds,
    },
  };
}
