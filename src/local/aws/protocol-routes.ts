/**
 * Mounting small local services on the local cloud's server without a router of their own:
 *
 * - {@link jsonRoute}: an AWS JSON 1.0/1.1 service (SQS, CloudWatch) as an `extraRoutes` listener keyed by its
 *   `X-Amz-Target` prefix (`AmazonSQS.`, `GraniteServiceVersion20100801.`).
 * - {@link queryRoutes}: AWS Query operations (CloudFormation, SNS subscriptions) by `Action`, answering with
 *   nested results: lists as `<member>` elements, structures as elements, maps as `<entry><key/><value/></entry>`
 *   (docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html shows the shape).
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener, ServerResponse } from 'node:http';
import { UnknownOperationError, ValidationError } from './errors';
import { escapeXml, type JsonProtocol, readRequestBody, sendJsonError, sendJsonResult, sendQueryError } from './wire';

export type JsonOperation = (request: Record<string, unknown>) => Promise<unknown>;

export function jsonRoute(protocol: JsonProtocol, operations: Record<string, JsonOperation>): RequestListener {
  return (request, response) => {
    void (async () => {
      try {
        const target = String(request.headers['x-amz-target'] ?? '');
        const operation = operations[target.slice(target.indexOf('.') + 1)];
        if (!operation) throw new UnknownOperationError(target);
        const body = await readRequestBody(request);
        let input: unknown = {};
        try {
          input = body.trim() ? JSON.parse(body) : {};
        } catch {
          throw new ValidationError('The request body is not valid JSON');
        }
        sendJsonResult(response, protocol, await operation(input as Record<string, unknown>));
      } catch (error) {
        sendJsonError(response, protocol, error);
      }
    })();
  };
}

export type XmlValue = string | number | boolean | Date | undefined | XmlValue[] | { [name: string]: XmlValue };

/** A value of a Query response: `undefined` members are left out. */
export function toQueryXml(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toQueryXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([name, member]) => `<${name}>${toQueryXml(member)}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export type QueryOperation = (form: Record<string, string>) => Promise<Record<string, XmlValue>>;
export type QueryRoute = (form: Record<string, string>, response: ServerResponse) => Promise<void>;

export function queryRoutes(xmlNamespace: string, operations: Record<string, QueryOperation>): Record<string, QueryRoute> {
  return Object.fromEntries(
    Object.entries(operations).map(([action, operation]) => [
      action,
      async (form: Record<string, string>, response: ServerResponse) => {
        try {
          const result = await operation(form);
          const body = `<${action}Response xmlns="${xmlNamespace}"><${action}Result>${toQueryXml(result)}</${action}Result>`
            + `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
          response.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) });
          response.end(body);
        } catch (error) {
          sendQueryError(response, xmlNamespace, error);
        }
      },
    ]),
  );
}

/** A required Query/JSON string parameter, or the service's validation error naming it. */
export function requiredString(value: unknown, name: string, makeError: (message: string) => Error = (m) => new ValidationError(m)): string {
  if (typeof value !== 'string' || value === '') throw makeError(`1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  return value;
}
