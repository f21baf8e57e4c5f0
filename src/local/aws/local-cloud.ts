/**
 * One HTTP server on 127.0.0.1 that answers as Step Functions, EventBridge and SNS (and, through
 * `extraRoutes`, as the Redshift Data API), so the production SDK clients run unchanged once the
 * `AWS_ENDPOINT_URL_*` variables point at it (see {@link localCloudEndpointEnvironment}).
 *
 * Routing: JSON requests by the `X-Amz-Target` prefix (`AWSStepFunctions.`, `AWSEvents.`, or an
 * `extraRoutes` prefix such as `RedshiftData.`); form-encoded requests with an `Action` go to SNS.
 */
import { type IncomingMessage, type RequestListener, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalAwsError, UnknownOperationError, ValidationError } from './errors';
import type { LocalEventBus } from './event-bus';
import type { QueryRoute } from './protocol-routes';
import type { LocalS3 } from './s3';
import { LocalLambda } from './lambda';
import type { LocalSnsOutbox } from './sns-outbox';
import type { LocalStepFunctions } from './step-functions';
import {
  type JsonProtocol,
  readRequestBody,
  sendJsonError,
  sendJsonResult,
  sendQueryError,
  sendQueryResult,
} from './wire';

export interface LocalCloudOptions {
  /** Default 0: any free port. */
  port?: number;
  stepFunctions?: LocalStepFunctions;
  eventBus?: LocalEventBus;
  sns?: LocalSnsOutbox;
  /** S3 (path-style REST: any request whose path is not `/`, without `X-Amz-Target`). */
  s3?: LocalS3;
  /** Lambda's Invoke (`POST /2015-03-31/functions/{name}/invocations`, lambda.ts); routed before S3's paths. */
  lambda?: LocalLambda;
  /**
   * Other JSON services keyed by `X-Amz-Target` prefix, e.g. `{ 'RedshiftData.': dataApiHandler }`.
   * The handler receives the untouched request (its body not yet read) and answers it itself.
   */
  extraRoutes?: Record<string, RequestListener>;
  /** Other AWS Query operations by `Action` (CloudFormation, SNS subscriptions), answering with their own XML. */
  queryRoutes?: Record<string, QueryRoute>;
}

export interface LocalCloud {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

interface JsonService {
  protocol: JsonProtocol;
  operations: Record<string, (request: never) => Promise<unknown>>;
}

const STEP_FUNCTIONS_PROTOCOL: JsonProtocol = { version: '1.0', errorNamespace: 'com.amazonaws.sfn' };
const EVENTBRIDGE_PROTOCOL: JsonProtocol = { version: '1.1', errorNamespace: 'com.amazonaws.eventbridge' };
const SNS_XML_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/**
 * Starts the server.
 *
 * @example
 * const cloud = await startLocalCloud({ stepFunctions, eventBus, sns, extraRoutes: { 'RedshiftData.': dataApi } });
 * Object.assign(process.env, localCloudEndpointEnvironment(cloud.url));
 * // ... new SFNClient({}) now talks to the local server
 * await cloud.close();
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const jsonServices = new Map<string, JsonService>();
  if (options.stepFunctions) jsonServices.set('AWSStepFunctions', { protocol: STEP_FUNCTIONS_PROTOCOL, operations: options.stepFunctions.operations });
  if (options.eventBus) jsonServices.set('AWSEvents', { protocol: EVENTBRIDGE_PROTOCOL, operations: options.eventBus.operations });

  const server = createServer((request, response) => {
    void routeRequest(request, response, jsonServices, options).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * The environment variables the AWS SDK v3 reads for per-service endpoints: `AWS_ENDPOINT_URL_`
 * followed by the client's serviceId upper-cased with spaces as underscores (`SFN`, `EventBridge`,
 * `SNS`, `Redshift Data`).
 */
export function localCloudEndpointEnvironment(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SFN: url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: url,
    AWS_ENDPOINT_URL_SNS: url,
    AWS_ENDPOINT_URL_REDSHIFT_DATA: url,
    AWS_ENDPOINT_URL_S3: url,
    AWS_ENDPOINT_URL_LAMBDA: url,
  };
}

async function routeRequest(
  request: IncomingMessage,
  response: ServerResponse,
  jsonServices: Map<string, JsonService>,
  options: LocalCloudOptions,
): Promise<void> {
  const target = request.headers['x-amz-target'];
  if (options.lambda && typeof target !== 'string' && LocalLambda.handles(request)) return options.lambda.handle(request, response);
  // S3 is REST: path-style requests name the bucket in the path; every other service here posts to `/`.
  if (options.s3 && typeof target !== 'string' && (request.url ?? '/').split('?')[0] !== '/') return options.s3.handle(request, response);
  if (typeof target === 'string') {
    const extraPrefix = Object.keys(options.extraRoutes ?? {}).find((prefix) => target.startsWith(prefix));
    if (extraPrefix) return options.extraRoutes![extraPrefix](request, response);
    const [serviceTarget, operation] = target.split('.', 2);
    const service = jsonServices.get(serviceTarget);
    const protocol = service?.protocol ?? { version: '1.1', errorNamespace: 'com.amazonaws' };
    try {
      const handler = service?.operations[operation ?? ''];
      if (!handler) throw new UnknownOperationError(target);
      const body = await readRequestBody(request);
      const result = await handler(parseJsonBody(body) as never);
      sendJsonResult(response, protocol, result);
    } catch (error) {
      sendJsonError(response, protocol, error);
    }
    return;
  }

  try {
    const form = new URLSearchParams(await readRequestBody(request));
    const action = form.get('Action');
    if (!action) throw new LocalAwsError('MissingAction', 'The request has neither an X-Amz-Target header nor an Action parameter');
    if (options.queryRoutes?.[action]) return await options.queryRoutes[action](Object.fromEntries(form), response);
    const handler = options.sns?.operations[action];
    if (!handler) throw new UnknownOperationError(action, 'InvalidAction');
    const result = await handler(Object.fromEntries(form));
    sendQueryResult(response, SNS_XML_NAMESPACE, action, result);
  } catch (error) {
    sendQueryError(response, SNS_XML_NAMESPACE, error);
  }
}

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new ValidationError('The request body is not valid JSON');
  }
}
