/**
 * The two AWS wire protocols the local endpoints speak, reduced to what they need:
 *
 * - AWS JSON 1.0 / 1.1 (Step Functions, EventBridge): `POST /` with `X-Amz-Target: <Service>.<Operation>`,
 *   a JSON body, and errors as `{"__type": "<namespace>#<Code>", "message": ...}` plus the
 *   `x-amzn-ErrorType` header. Timestamps travel as epoch seconds (JSON numbers).
 * - AWS Query (SNS): a form-encoded body `Action=Publish&Version=...&TopicArn=...`, answered with XML
 *   `<PublishResponse><PublishResult>...</PublishResult><ResponseMetadata>...</ResponseMetadata>` and
 *   errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalAwsError } from './errors';

/** Requests bigger than this are refused before they are parsed (AWS payload limits are far smaller). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Reads a request body as UTF-8 text. */
export async function readRequestBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES) throw new LocalAwsError('RequestEntityTooLarge', 'Request body too large', 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Converts a Date to the AWS JSON protocols' timestamp: epoch seconds with millisecond fraction. */
export function toEpochSeconds(date: Date | string): number {
  return new Date(date).getTime() / 1000;
}

/** The description of one AWS JSON service: its error namespace and content type. */
export interface JsonProtocol {
  /** `1.0` (Step Functions) or `1.1` (EventBridge, Redshift Data). */
  version: '1.0' | '1.1';
  /** Smithy namespace used in `__type`, e.g. `com.amazonaws.sfn`. */
  errorNamespace: string;
}

/** Serialises a result for the AWS JSON protocols: Date values become epoch seconds. */
export function toJsonWireBody(result: unknown): string {
  return JSON.stringify(result ?? {}, function replaceDates(this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Date ? toEpochSeconds(original) : value;
  });
}

export function sendJsonResult(response: ServerResponse, protocol: JsonProtocol, result: unknown): void {
  const body = toJsonWireBody(result);
  response.writeHead(200, {
    'Content-Type': `application/x-amz-json-${protocol.version}`,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(body);
}

export function sendJsonError(response: ServerResponse, protocol: JsonProtocol, error: unknown): void {
  const awsError = asLocalAwsError(error);
  const body = JSON.stringify({
    __type: `${protocol.errorNamespace}#${awsError.awsCode}`,
    message: awsError.message,
    Message: awsError.message,
  });
  response.writeHead(awsError.httpStatus, {
    'Content-Type': `application/x-amz-json-${protocol.version}`,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': awsError.awsCode,
  });
  response.end(body);
}

/** Escapes text for an XML element or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Sends an AWS Query success response: `<{Action}Response><{Action}Result>fields</...>`.
 * Fields whose value is undefined are left out.
 */
export function sendQueryResult(
  response: ServerResponse,
  xmlNamespace: string,
  action: string,
  fields: Record<string, string | undefined>,
): void {
  const members = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body =
    `<${action}Response xmlns="${xmlNamespace}">` +
    `<${action}Result>${members}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>` +
    `</${action}Response>`;
  response.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** Sends an AWS Query error response in the format the SDK's Query protocol parses. */
export function sendQueryError(response: ServerResponse, xmlNamespace: string, error: unknown): void {
  const awsError = asLocalAwsError(error);
  const body =
    `<ErrorResponse xmlns="${xmlNamespace}">` +
    `<Error><Type>${awsError.faultType}</Type><Code>${escapeXml(awsError.awsCode)}</Code>` +
    `<Message>${escapeXml(awsError.message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId>` +
    `</ErrorResponse>`;
  response.writeHead(awsError.httpStatus, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/** Wraps anything thrown by a local service into a LocalAwsError; unknown errors become 500 InternalFailure. */
export function asLocalAwsError(error: unknown): LocalAwsError {
  if (error instanceof LocalAwsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LocalAwsError('InternalFailure', message, 500, { cause: error });
}
