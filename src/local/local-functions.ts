/**
 * The Lambda functions as the local stack invokes them: a handler module of functions/ called with the context
 * its middleware expects (and its deployed timeout), the Fivetran webhook behind a function URL, and the
 * execution-closed rule that releases run locks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runLocksFromEnvironment } from '../runtime/run-locks-aws';
import { deployedLambdaTimeout } from './aws/lambda-timeouts';
import type { LocalStepFunctions } from './aws/step-functions';

/** The Lambda context the handlers' middleware expects. */
function lambdaContext(functionName: string, timeoutSeconds = 900) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `local-${Date.now()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type LambdaModule = { handler: (event: unknown, context: unknown) => Promise<unknown> };

export function lambda(repoRoot: string, name: string): (event: unknown) => Promise<unknown> {
  // Required lazily: the modules build their SDK clients at load, after the environment points at us.
  return (event) => (require(path.join(repoRoot, 'functions', name)) as LambdaModule).handler(event, lambdaContext(name, deployedLambdaTimeout(repoRoot, name)));
}

export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:${localFunctionName(name)}`;
}

/** The deployed name of a local function (as serverless.yml names them: service-stage-function). */
export function localFunctionName(name: string): string {
  return `landfall-local-${name}`;
}

/**
 * Stands in for the rule on "Step Functions Execution Status Change" that invokes arrivalRunFinished in AWS: when
 * an execution started through the API closes, its run locks are released (a lock left behind would still be
 * taken over by the next run, which asks DescribeExecution; this keeps the table clean, as in AWS).
 */
export function releaseLocksWhenExecutionsClose(stepFunctions: LocalStepFunctions): Promise<unknown>[] {
  const pending: Promise<unknown>[] = [];
  const start = stepFunctions.operations.StartExecution as (request: unknown) => Promise<{ executionArn?: string }>;
  stepFunctions.operations.StartExecution = (async (request: unknown) => {
    const started = await start(request);
    const arn = started.executionArn!;
    pending.push(stepFunctions.waitForExecution(arn).then(() => runLocksFromEnvironment()?.releaseFor(arn)).catch(() => undefined));
    return started;
  }) as never;
  // A redriven execution closes again (and emits another status change in AWS): its re-taken locks are released too.
  const redrive = stepFunctions.operations.RedriveExecution as (request: { executionArn?: string }) => Promise<unknown>;
  stepFunctions.operations.RedriveExecution = (async (request: { executionArn?: string }) => {
    const redriven = await redrive(request);
    const arn = request.executionArn!;
    pending.push(stepFunctions.waitForExecution(arn).then(() => runLocksFromEnvironment()?.releaseFor(arn)).catch(() => undefined));
    return redriven;
  }) as never;
  return pending;
}

/** The function URL of the Fivetran webhook: `POST /webhooks/fivetran`, as a Lambda function URL event. */
export async function startWebhookServer(repoRoot: string, port: number): Promise<{ url: string; close: () => Promise<void> }> {
  const handler = lambda(repoRoot, 'fivetran-webhook');
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const respond = (status: number, body: string) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body);
      };
      if (request.method !== 'POST' || !request.url?.startsWith('/webhooks/fivetran')) {
        respond(404, JSON.stringify({ message: 'POST /webhooks/fivetran' }));
        return;
      }
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      handler({ body: body.toString('base64'), isBase64Encoded: true, headers, requestContext: { http: { method: 'POST', path: request.url } } })
        .then((result) => {
          const r = result as { statusCode: number; body: string };
          respond(r.statusCode, r.body);
        })
        .catch((error: Error) => respond(500, JSON.stringify({ message: error.message })));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/webhooks/fivetran`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
