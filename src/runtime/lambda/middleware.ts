/**
 * The middleware chain every function uses, defined once: structured logging with the Lambda context
 * (Powertools Logger through middy), and for HTTP functions, one mapping from typed errors to responses.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';

export const logger = new Logger({ serviceName: 'landfall' });

/** An error an HTTP caller may see: its status code and a message safe to expose. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

function httpErrorResponses(): MiddlewareObj<unknown, HttpResponse> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof HttpError) {
        logger.warn('request rejected', { statusCode: error.statusCode, reason: error.message });
        request.response = json(error.statusCode, { message: error.message });
      } else {
        logger.error('request failed', error as Error);
        request.response = json(500, { message: 'internal error' });
      }
    },
  };
}

export function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Wrap a Step Functions task or event handler. Errors propagate (their `name` is the States error name). */
export function taskHandler<I, O>(fn: (input: I) => Promise<O>) {
  return middy(async (input: I) => fn(input)).use(injectLambdaContext(logger));
}

/** Wrap an HTTP handler (function URL / API Gateway v2 events). */
export function httpHandler<I>(fn: (event: I) => Promise<HttpResponse>) {
  return middy(async (event: I) => fn(event)).use(injectLambdaContext(logger)).use(httpErrorResponses());
}
