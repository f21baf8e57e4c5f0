/**
 * A local AWS DMS endpoint: AWS JSON 1.1 with `X-Amz-Target: AmazonDMSv20160101.<Operation>`, so
 * `@aws-sdk/client-database-migration-service` runs unchanged (mount `handle` under
 * `extraRoutes['AmazonDMSv20160101.']` and set `AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE`). Operations:
 * - DescribeReplicationTasks — filters `replication-task-arn`, `replication-task-id`, `migration-type`; MaxRecords
 *   20–100 and Marker paging. Nothing matched is `ResourceNotFoundFault`, as DMS answers
 *   (https://docs.aws.amazon.com/dms/latest/APIReference/API_DescribeReplicationTasks.html).
 * - DescribeReplications (DMS Serverless) — filter `replication-config-arn`, same paging and fault.
 * Tasks are what the local stack registers (one per `meta.landfall.dms.task_id`) and what tests set with `putTask`.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalAwsError, UnknownOperationError } from './errors';
import { offsetPage } from './offset-pages';
import { type JsonProtocol, readRequestBody, sendJsonError, sendJsonResult } from './wire';

const DMS_PROTOCOL: JsonProtocol = { version: '1.1', errorNamespace: 'com.amazonaws.databasemigrationservice' };
export const DMS_TARGET_PREFIX = 'AmazonDMSv20160101.';

export interface LocalDmsTask {
  identifier: string;
  arn: string;
  migrationType: 'full-load' | 'cdc' | 'full-load-and-cdc';
  status: string;
  stopReason?: string;
  fullLoadFinishDate?: Date;
  stopDate?: Date;
}

export interface LocalDmsReplication {
  configIdentifier: string;
  configArn: string;
  status: string;
  stopReason?: string;
  fullLoadFinishDate?: Date;
}

export class LocalDms {
  private readonly tasks = new Map<string, LocalDmsTask>();
  private readonly replications = new Map<string, LocalDmsReplication>();

  constructor(private readonly options: { region?: string; accountId?: string } = {}) {}

  /** The ARN DMS would give a task: a resource id derived from the identifier (stable across restarts). */
  taskArnFor(identifier: string): string {
    const resourceId = createHash('sha256').update(identifier).digest('hex').slice(0, 26).toUpperCase();
    return `arn:aws:dms:${this.options.region ?? 'us-east-1'}:${this.options.accountId ?? '000000000000'}:task:${resourceId}`;
  }

  /** Creates or updates a task (by identifier); returns it. */
  putTask(task: Partial<LocalDmsTask> & { identifier: string }): LocalDmsTask {
    const existing = this.tasks.get(task.identifier);
    const stored: LocalDmsTask = { migrationType: 'full-load', status: 'ready', ...existing, ...task, arn: task.arn ?? existing?.arn ?? this.taskArnFor(task.identifier) };
    this.tasks.set(task.identifier, stored);
    return stored;
  }

  putReplication(replication: LocalDmsReplication): void {
    this.replications.set(replication.configArn, replication);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const operation = String(request.headers['x-amz-target'] ?? '').slice(DMS_TARGET_PREFIX.length);
      const text = await readRequestBody(request);
      const body = (text.trim() === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      if (operation === 'DescribeReplicationTasks') return sendJsonResult(response, DMS_PROTOCOL, this.describeReplicationTasks(body));
      if (operation === 'DescribeReplications') return sendJsonResult(response, DMS_PROTOCOL, this.describeReplications(body));
      throw new UnknownOperationError(`${DMS_TARGET_PREFIX}${operation}`);
    } catch (error) {
      sendJsonError(response, DMS_PROTOCOL, error);
    }
  }

  private describeReplicationTasks(body: Record<string, unknown>) {
    const filters = parseFilters(body.Filters, ['replication-task-arn', 'replication-task-id', 'migration-type']);
    const matching = [...this.tasks.values()].filter((task) =>
      filters.every(({ name, values }) =>
        values.includes(name === 'replication-task-arn' ? task.arn : name === 'replication-task-id' ? task.identifier : task.migrationType)));
    const { page, marker } = paginate(matching, body, 'No Replication Tasks found');
    return {
      ReplicationTasks: page.map((task) => ({
        ReplicationTaskIdentifier: task.identifier,
        ReplicationTaskArn: task.arn,
        MigrationType: task.migrationType,
        Status: task.status,
        ...(task.stopReason !== undefined && { StopReason: `Stop Reason ${task.stopReason}` }),
        ReplicationTaskStats: {
          ...(task.fullLoadFinishDate && { FullLoadFinishDate: task.fullLoadFinishDate, FullLoadProgressPercent: 100 }),
          ...(task.stopDate && { StopDate: task.stopDate }),
        },
      })),
      ...(marker !== undefined && { Marker: marker }),
    };
  }

  private describeReplications(body: Record<string, unknown>) {
    const filters = parseFilters(body.Filters, ['replication-config-arn']);
    const matching = [...this.replications.values()].filter((replication) => filters.every(({ values }) => values.includes(replication.configArn)));
    const { page, marker } = paginate(matching, body, 'No Replications found');
    return {
      Replications: page.map((replication) => ({
        ReplicationConfigIdentifier: replication.configIdentifier,
        ReplicationConfigArn: replication.configArn,
        Status: replication.status,
        ...(replication.stopReason !== undefined && { StopReason: `Stop Reason ${replication.stopReason}` }),
        ReplicationStats: { ...(replication.fullLoadFinishDate && { FullLoadFinishDate: replication.fullLoadFinishDate }) },
      })),
      ...(marker !== undefined && { Marker: marker }),
    };
  }
}

function parseFilters(raw: unknown, known: string[]): { name: string; values: string[] }[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new LocalAwsError('InvalidParameterValueException', 'Filters must be a list');
  return raw.map((filter: { Name?: unknown; Values?: unknown }) => {
    if (typeof filter.Name !== 'string' || !known.includes(filter.Name)) {
      throw new LocalAwsError('InvalidParameterValueException', `Invalid filter name: ${String(filter.Name)}`);
    }
    if (!Array.isArray(filter.Values) || filter.Values.some((v) => typeof v !== 'string')) {
      throw new LocalAwsError('InvalidParameterValueException', `Filter ${filter.Name} needs a list of string values`);
    }
    return { name: filter.Name, values: filter.Values as string[] };
  });
}

function paginate<T>(items: T[], body: Record<string, unknown>, notFound: string): { page: T[]; marker?: string } {
  const maxRecords = body.MaxRecords === undefined ? 100 : Number(body.MaxRecords);
  if (!Number.isInteger(maxRecords) || maxRecords < 20 || maxRecords > 100) {
    throw new LocalAwsError('InvalidParameterValueException', 'MaxRecords must be between 20 and 100');
  }
  if (items.length === 0) throw new LocalAwsError('ResourceNotFoundFault', notFound);
  const { page, nextToken } = offsetPage(items, body.Marker, maxRecords, () => new LocalAwsError('InvalidParameterValueException', 'Invalid Marker'));
  return nextToken === undefined ? { page } : { page, marker: nextToken };
}
