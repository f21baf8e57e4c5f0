/**
 * Lambda's Invoke API (REST-JSON, `POST /2015-03-31/functions/{FunctionName}/invocations`), synchronous only, so
 * `@aws-sdk/client-lambda`'s InvokeCommand runs unchanged against local functions (AdvanceRun invoking RenderPlans).
 * As the API reference documents (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html):
 *   - an unknown function is 404 `ResourceNotFoundException`;
 *   - a request payload above the synchronous quota (6 MB, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
 *     is 413 `RequestTooLargeException`; a payload that is not JSON is 400 `InvalidRequestContentException`;
 *   - an error thrown by the function is a 200 with `X-Amz-Function-Error: Unhandled` and an `{errorType, errorMessage}`
 *     body; a response above the quota is the same with `Function.ResponseSizeTooLarge`.
 * Stricter than AWS: the quota is 6 MiB for request and response, and only `RequestResponse` is served (an `Event`
 * or `DryRun` invocation is refused: nothing here invokes asynchronously, and a local fire-and-forget would hide it).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { latencyFromEnvironment, sleep } from '../data-api/redshift-latency';

export const LAMBDA_INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** The synchronous invocation payload quota, request and response. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

export type LocalFunctionHandler = (event: unknown) => Promise<unknown>;

/**
 * What a warm synchronous Invoke costs besides the handler's own time, in latency mode: 25 ms is an ASSUMPTION
 * (a signed HTTPS request from a Lambda in the same region to the Lambda API, routing to a warm execution environment,
 * the payload in and out). AWS documents what a warm start skips (no code download, no init:
 * https://docs.aws.amazon.com/lambda/latest/operatorguide/execution-environments.html) but no figure for the rest.
 * bench/README.md lists it with the Data API's figures.
 */
export const WARM_INVOKE_MS = 25;

export interface LocalLambdaOptions {
  /**
   * Added to every Invoke served. Default: {@link WARM_INVOKE_MS} when the local stack's latency mode is on
   * (`LANDFALL_DATA_API_LATENCY`, src/local/data-api/redshift-latency.ts, the same opt-in switch), else 0.
   */
  invokeMs?: number;
  /** How the latency is waited (tests inject a controllable one). */
  sleep?: (ms: number) => Promise<void>;
}

export class LocalLambda {
  private readonly functions = new Map<string, LocalFunctionHandler>();
  /** Invocations per function name, for tests and benchmarks. */
  readonly invocations = new Map<string, number>();
  /** The first event each function received (a benchmark replays it: bench/support/lambda-first-calls.ts). */
  readonly firstEvents = new Map<string, unknown>();
  /** The per-invoke latency this endpoint adds (see {@link LocalLambdaOptions.invokeMs}). */
  readonly invokeMs: number;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(options: LocalLambdaOptions = {}) {
    this.invokeMs = options.invokeMs ?? (latencyFromEnvironment() ? WARM_INVOKE_MS : 0);
    this.wait = options.sleep ?? sleep;
  }

  /** Makes `name` invokable (by name, by `function:name` ARN, or by partial ARN). */
  register(name: string, handler: LocalFunctionHandler): this {
    this.functions.set(name, handler);
    return this;
  }

  /** Whether the request is a Lambda Invoke this endpoint serves. */
  static handles(request: IncomingMessage): boolean {
    return request.method === 'POST' && LAMBDA_INVOKE_PATH.test((request.url ?? '').split('?')[0]!);
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = LAMBDA_INVOKE_PATH.exec((request.url ?? '').split('?')[0]!);
    const requested = decodeURIComponent(match?.[1] ?? '');
    const name = functionNameOf(requested);
    const handler = name === undefined ? undefined : this.functions.get(name);
    const { body, size } = await readBody(request);
    if (!handler) {
      return sendError(response, 404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name ?? requested}`);
    }
    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType !== 'RequestResponse') {
      return sendError(response, 400, 'InvalidParameterValueException', `The local Lambda endpoint serves only RequestResponse invocations, got ${invocationType}`);
    }
    if (size > MAX_SYNC_PAYLOAD_BYTES) {
      return sendError(response, 413, 'RequestTooLargeException', `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    let event: unknown;
    try {
      event = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return sendError(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json: the payload is not valid JSON');
    }
    this.invocations.set(name!, (this.invocations.get(name!) ?? 0) + 1);
    if (!this.firstEvents.has(name!)) this.firstEvents.set(name!, event);
    // Latency mode: the round trip to the Lambda API and a warm environment, before the answer goes back.
    if (this.invokeMs > 0) await this.wait(this.invokeMs);
    let payload: string;
    try {
      payload = JSON.stringify(await handler(event) ?? null);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return sendPayload(response, JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n') }), 'Unhandled');
    }
    if (Buffer.byteLength(payload) > MAX_SYNC_PAYLOAD_BYTES) {
      return sendPayload(response, JSON.stringify({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size (${Buffer.byteLength(payload)} bytes) exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
      }), 'Unhandled');
    }
    return sendPayload(response, payload);
  }
}

/** The function name in a name, a `function:name` partial ARN or a full ARN (`$LATEST` qualifier only); undefined if malformed. */
function functionNameOf(requested: string): string | undefined {
  const parts = requested.split(':');
  if (parts.length === 1) return requested || undefined;
  const at = parts.indexOf('function');
  if (at < 0 || !parts[at + 1]) return undefined;
  const qualifier = parts[at + 2];
  if (qualifier !== undefined && qualifier !== '$LATEST') return undefined;
  return parts[at + 1];
}

/** The body and its size; past the quota only the size is kept (the request is refused). */
async function readBody(request: IncomingMessage): Promise<{ body: Buffer; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_SYNC_PAYLOAD_BYTES) chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks), size };
}

function sendPayload(response: ServerResponse, payload: string, functionError?: 'Unhandled'): void {
  response.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    'X-Amz-Executed-Version': '$LATEST',
    ...(functionError && { 'X-Amz-Function-Error': functionError }),
  });
  response.end(payload);
}

/** REST-JSON errors: the code in `x-amzn-ErrorType` and the body, as the SDK reads them. */
function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ Type: 'User', message });
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': code,
  });
  response.end(body);
}
