import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  type Field,
  GetStatementResultCommand,
  RedshiftDataClient,
  type SubStatementData,
} from '@aws-sdk/client-redshift-data';
import { type ConnectionTarget, toDataApiTargetFields } from './connection-config';
import {
  type Cell,
  type DescribeOptions,
  type ResultSet,
  type StatementDescription,
  StatementNotFoundError,
  type StatementStatus,
  type SubmitOptions,
  type Warehouse,
  WarehouseBusyError,
  WarehouseError,
  WarehouseValidationError,
} from '../engine/warehouse/warehouse';

export interface RedshiftDataWarehouseOptions {
  /**
   * Default: a client built from the environment (region, credentials, and the endpoint override
   * `AWS_ENDPOINT_URL_REDSHIFT_DATA` / `AWS_ENDPOINT_URL`, which the SDK reads by itself).
   */
  client?: RedshiftDataClient;
  target: ConnectionTarget;
}

/** The Data API allows at most 40 statements in one BatchExecuteStatement. */
export const MAX_BATCH_STATEMENTS = 40;

/** Error names that mean "try again later". Throttling is not modelled by the Data API; it arrives as the generic AWS names. */
const BUSY_ERROR_NAMES = new Set([
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'ActiveWaitingRequestsExceededException',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServerException',
  'ExecuteStatementException',
  'BatchExecuteStatementException',
  'DatabaseConnectionException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** Network failures that are worth a retry. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'TimeoutError']);

/**
 * The production {@link Warehouse}: the Amazon Redshift Data API through the AWS SDK v3. Locally the
 * same class talks to the local Data API endpoint (src/local/data-api).
 *
 * @example
 * const warehouse = new RedshiftDataWarehouse({ target: readConnectionTarget() });
 * const id = await warehouse.submit('select count(*) from analytics.orders', { name: 'landfall/demo' });
 * const description = await waitForStatement(warehouse, id);
 * const { rows } = await warehouse.fetchRows(id);
 */
export class RedshiftDataWarehouse implements Warehouse {
  private readonly client: RedshiftDataClient;
  private readonly target: ConnectionTarget;

  constructor(options: RedshiftDataWarehouseOptions) {
    this.client = options.client ?? new RedshiftDataClient({});
    this.target = options.target;
  }

  async submit(sqls: string | string[], options: SubmitOptions = {}): Promise<string> {
    const common = {
      ...toDataApiTargetFields(this.target),
      StatementName: options.name,
      ClientToken: options.clientToken,
      WithEvent: options.withEvent,
    };
    const list = typeof sqls === 'string' ? [sqls] : sqls;
    if (list.length === 0) throw new WarehouseValidationError('Nothing to submit: the list of SQL statements is empty.');
    if (list.length > MAX_BATCH_STATEMENTS) {
      throw new WarehouseValidationError(`A batch holds at most ${MAX_BATCH_STATEMENTS} statements, got ${list.length}.`);
    }
    if (list.length > 1 && options.parameters) {
      throw new WarehouseValidationError('Parameters apply to a single statement only, not to a batch.');
    }
    const response = await this.call(() =>
      list.length === 1
        ? this.client.send(
            new ExecuteStatementCommand({
              ...common,
              Sql: list[0],
              Parameters: options.parameters
                ? Object.entries(options.parameters).map(([name, value]) => ({ name, value }))
                : undefined,
            }),
          )
        : this.client.send(new BatchExecuteStatementCommand({ ...common, Sqls: list })),
    );
    if (!response.Id) throw new WarehouseError('The Data API accepted the statement but returned no Id.');
    return response.Id;
  }

  async describe(id: string, options: DescribeOptions = {}): Promise<StatementDescription> {
    const response = await this.call(() =>
      this.client.send(new DescribeStatementCommand({ Id: id, WaitTimeSeconds: options.waitSeconds || undefined })),
    );
    return {
      id: response.Id ?? id,
      status: toStatus(response.Status),
      error: response.Error || undefined,
      hasResultSet: response.HasResultSet ?? false,
      resultRows: response.ResultRows ?? -1,
      durationMs: nanosecondsToMs(response.Duration),
      subStatements: response.SubStatements?.map(toSubStatement),
    };
  }

  async fetchRows(id: string): Promise<ResultSet> {
    const result: ResultSet = { columns: [], rows: [] };
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call(() => this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token })));
      if (result.columns.length === 0 && page.ColumnMetadata) {
        result.columns = page.ColumnMetadata.map((column) => ({ name: column.name ?? '', typeName: column.typeName ?? '' }));
      }
      for (const record of page.Records ?? []) result.rows.push(record.map(decodeField));
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return result;
  }

  async cancel(id: string): Promise<void> {
    const response = await this.call(() => this.client.send(new CancelStatementCommand({ Id: id })));
    if (response.Status === false) throw new WarehouseError(`The Data API did not cancel statement ${id}.`);
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toWarehouseError(error);
    }
  }
}

/**
 * Decodes a Data API `Field` union into a plain cell. Decimals, dates and timestamps arrive as strings;
 * blobs become base64 strings.
 *
 * @example
 * decodeField({ longValue: 42 });     // 42
 * decodeField({ isNull: true });      // null
 */
export function decodeField(field: Field): Cell {
  if (field.isNull) return null;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  return null;
}

/**
 * Maps an AWS SDK error to the warehouse's typed errors (see README "How errors map").
 *
 * @example
 * toWarehouseError(validationException) instanceof WarehouseValidationError; // true
 */
export function toWarehouseError(error: unknown): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const { name, message, code, $fault, $metadata } = (error ?? {}) as {
    name?: string;
    message?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const text = message || name || String(error);
  if (name === 'ValidationException') return new WarehouseValidationError(text, { cause: error });
  if (name === 'ResourceNotFoundException') return new StatementNotFoundError(text, { cause: error });
  const status = $metadata?.httpStatusCode ?? 0;
  if (
    BUSY_ERROR_NAMES.has(name ?? '') ||
    $fault === 'server' ||
    status >= 500 ||
    status === 429 ||
    TRANSIENT_NETWORK_CODES.has(code ?? '') ||
    TRANSIENT_NETWORK_CODES.has(name ?? '')
  ) {
    return new WarehouseBusyError(text, { cause: error });
  }
  return new WarehouseError(text, { cause: error });
}

const STATUSES: ReadonlySet<string> = new Set(['SUBMITTED', 'PICKED', 'STARTED', 'FINISHED', 'FAILED', 'ABORTED']);

function toStatus(status: string | undefined): StatementStatus {
  if (status && STATUSES.has(status)) return status as StatementStatus;
  throw new WarehouseError(`The Data API returned an unknown statement status: ${status}`);
}

function nanosecondsToMs(duration: number | undefined): number {
  return duration === undefined || duration < 0 ? 0 : duration / 1_000_000;
}

function toSubStatement(sub: SubStatementData): NonNullable<StatementDescription['subStatements']>[number] {
  return {
    id: sub.Id ?? '',
    status: toStatus(sub.Status),
    error: sub.Error || undefined,
    resultRows: sub.ResultRows ?? -1,
    hasResultSet: sub.HasResultSet ?? false,
  };
}
