/**
 * A local HTTP endpoint that speaks the Redshift Data API wire protocol (AWS JSON 1.1), so the real
 * `RedshiftDataClient` works against it unchanged: point the client (or `AWS_ENDPOINT_URL_REDSHIFT_DATA`)
 * at `url`, with any region and any credentials (SigV4 headers are accepted and ignored).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalAwsError } from '../aws/errors';
import { type JsonProtocol, readRequestBody, sendJsonError, sendJsonResult, toEpochSeconds } from '../aws/wire';
import { type DataApiCounters, sleep } from './redshift-latency';
import { StatementService, type StatementServiceOptions } from './statement-service';

export type { StatementStatusChangeEvent } from './statement-status-event';

const PROTOCOL: JsonProtocol = { version: '1.1', errorNamespace: 'com.amazonaws.redshiftdata' };
const TARGET_PREFIX = 'RedshiftData.';

export interface LocalDataApiOptions extends StatementServiceOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface LocalDataApi {
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  port: number;
  /** Calls, statements and commits so far (benchmarks read them). */
  counters: DataApiCounters;
  /** Waits for running statements, then stops the server. The engine stays open (its owner closes it). */
  close(): Promise<void>;
}

type Operation = (service: StatementService, request: Record<string, unknown>) => unknown;

const OPERATIONS: Record<string, Operation> = {
  ExecuteStatement: (service, request) => service.answerAfterWait(request, service.executeStatement(request)),
  BatchExecuteStatement: (service, request) => service.answerAfterWait(request, service.batchExecuteStatement(request)),
  DescribeStatement: (service, request) => service.describeStatement(request),
  GetStatementResult: (service, request) => service.getStatementResult(request),
  CancelStatement: (service, request) => service.cancelStatement(request),
  ListStatements: (service, request) => service.listStatements(request),
};

/**
 * Starts the local Redshift Data API on 127.0.0.1.
 *
 * @example
 * const engine = await openPGliteEngine();
 * const api = await startLocalDataApi({ engine, port: 0 });
 * const client = new RedshiftDataClient({ endpoint: api.url, region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * // … later
 * await api.close();
 * await engine.close();
 */
export async function startLocalDataApi(options: LocalDataApiOptions): Promise<LocalDataApi> {
  const service = new StatementService(options);
  const server = http.createServer((request, response) => {
    handle(service, request)
      .then((result) => sendJsonResult(response, PROTOCOL, toWire(result)))
      .catch((error: unknown) => sendJsonError(response, PROTOCOL, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    counters: service.store.counters,
    close: async () => {
      await service.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function handle(service: StatementService, request: http.IncomingMessage): Promise<unknown> {
  const body = await readRequestBody(request);
  if (request.method !== 'POST') throw new LocalAwsError('UnknownOperationException', `${request.method} is not supported`, 404);
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? OPERATIONS[target.slice(TARGET_PREFIX.length)] : undefined;
  if (!operation) throw new LocalAwsError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new LocalAwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LocalAwsError('SerializationException', 'The request body must be a JSON object.');
  }
  const name = target.slice(TARGET_PREFIX.length);
  service.store.counters.calls[name] = (service.store.counters.calls[name] ?? 0) + 1;
  // Latency mode (redshift-latency.ts): every call costs what a call to the regional endpoint costs.
  await sleep(service.store.latency?.callMs ?? 0);
  return operation(service, input as Record<string, unknown>);
}

/** Dates become epoch seconds (the AWS JSON timestamp format); undefined members are dropped by JSON. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return toEpochSeconds(value);
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, toWire(member)]));
  }
  return value;
}
