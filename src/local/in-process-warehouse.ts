/**
 * The warehouse port over the local SQL engine, inside this process: statements go straight into the
 * statement store behind the local Data API endpoint (the same limits, Redshift rewrites, lifecycle and
 * result typing), without HTTP, JSON or the AWS SDK in between. The CLI's local `build/run/test/seed`
 * use it; the pipeline (`serve`, `demo`, Step Functions) keeps the SDK clients on the local endpoints.
 *
 * Because the store knows when a statement ends, this adapter can also wake a scheduler at that moment
 * ({@link InProcessWarehouse.waitForAnyStatementEnd}) instead of leaving it to poll on a timer.
 */
import { LocalAwsError } from './aws/errors';
import { redshiftTypeName, toCell } from './data-api/field-encoding';
import { StatementStore } from './data-api/statement-store';
import type { ConnectionFields, StatementRun } from './data-api/statement-submission';
import type { SqlEngine } from './sql-engine/sql-engine';
import {
  type DescribeOptions,
  type ResultSet,
  type StatementDescription,
  StatementNotFoundError,
  type SubmitOptions,
  type Warehouse,
  WarehouseError,
  WarehouseValidationError,
} from '../engine/warehouse/warehouse';

/** The connection a local statement records: a Serverless workgroup `local`, database `dev` (as the CLI's Data API client sends). */
export const LOCAL_STATEMENT_CONNECTION: ConnectionFields = { WorkgroupName: 'local', Database: 'dev' };

/**
 * @example
 * const warehouse = new InProcessWarehouse(new StatementStore({ engine }));
 * const { rows } = await runQuery(warehouse, 'select 1 as one'); // [[1]]
 */
export class InProcessWarehouse implements Warehouse {
  constructor(
    readonly store: StatementStore,
    private readonly connection: ConnectionFields = LOCAL_STATEMENT_CONNECTION,
  ) {}

  async submit(sqls: string | string[], options: SubmitOptions = {}): Promise<string> {
    const list = typeof sqls === 'string' ? [sqls] : sqls;
    return call(() => this.store.accept({
      sqls: list,
      // As the SDK adapter: one statement is an ExecuteStatement, anything else a batch (which the store limits to 1–40).
      isBatch: list.length !== 1,
      parameters: options.parameters ? Object.entries(options.parameters).map(([name, value]) => ({ name, value })) : undefined,
      connection: this.connection,
      statementName: options.name,
      clientToken: options.clientToken,
      withEvent: options.withEvent,
    }).id);
  }

  async describe(id: string, options: DescribeOptions = {}): Promise<StatementDescription> {
    const { record, sub } = call(() => this.store.find(id));
    if (options.waitSeconds) await this.store.waitForEnd(record, Math.min(options.waitSeconds, 30) * 1000);
    if (sub) return describeRun(sub);
    return { ...describeRun(record), subStatements: record.isBatch ? record.subStatements.map(describeSubStatement) : undefined };
  }

  async fetchRows(id: string): Promise<ResultSet> {
    const { record, sub } = call(() => this.store.find(id));
    if (!sub && record.isBatch) {
      throw new WarehouseValidationError(`Statement ${record.id} is a batch: fetch a sub-statement's result with its id, e.g. ${record.id}:1.`);
    }
    const run = sub ?? record;
    if (run.status !== 'FINISHED' || !run.result || !run.hasResultSet) {
      throw new WarehouseValidationError('Query does not have result. Please check query status with DescribeStatement.');
    }
    const { columns, rows } = run.result;
    return {
      columns: columns.map((column) => ({ name: column.name, typeName: redshiftTypeName(column.typeName) })),
      rows: rows.map((row) => row.map((value, index) => toCell(value, columns[index]!.typeName))),
    };
  }

  async cancel(id: string): Promise<void> {
    call(() => this.store.cancel(id));
  }

  /**
   * Resolves as soon as one of these statements has ended (at once when one already has). A scheduler
   * awaits this between steps instead of sleeping.
   *
   * @example
   * await warehouse.waitForAnyStatementEnd(runningNodes.map((node) => node.statementId!));
   */
  async waitForAnyStatementEnd(ids: readonly string[]): Promise<void> {
    await call(() => this.store.whenAnyEnds(ids));
  }
}

export interface ConnectedInProcessWarehouse {
  warehouse: InProcessWarehouse;
  /** Waits for the statements still running; the engines stay open (their owner closes them). */
  close(): Promise<void>;
}

/**
 * An in-process warehouse on one engine, or on several sessions of one database (a connection pool:
 * that many statements run at once).
 *
 * @example
 * const engines = await openLocalSqlEngines({ stateDir: '.landfall', databaseUrl, connections: 4 });
 * const { warehouse, close } = connectInProcessWarehouse(engines);
 */
export function connectInProcessWarehouse(engine: SqlEngine | readonly SqlEngine[]): ConnectedInProcessWarehouse {
  // No HTTP answer to send first: a statement starts in the turn it is submitted.
  const store = new StatementStore({ engine, start: 'at-once' });
  return { warehouse: new InProcessWarehouse(store), close: () => store.idle() };
}

function describeRun(run: StatementRun): StatementDescription {
  return {
    id: run.id,
    status: run.status,
    error: run.error,
    hasResultSet: run.hasResultSet,
    resultRows: run.resultRows,
    durationMs: run.durationNs / 1_000_000,
  };
}

function describeSubStatement(run: StatementRun): NonNullable<StatementDescription['subStatements']>[number] {
  return { id: run.id, status: run.status, error: run.error, resultRows: run.resultRows, hasResultSet: run.hasResultSet };
}

/** The store's Data API errors, as the SDK adapter maps the same errors from the service. */
function call<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof LocalAwsError)) throw error;
    if (error.awsCode === 'ValidationException') throw new WarehouseValidationError(error.message, { cause: error });
    if (error.awsCode === 'ResourceNotFoundException') throw new StatementNotFoundError(error.message, { cause: error });
    throw new WarehouseError(error.message, { cause: error });
  }
}
