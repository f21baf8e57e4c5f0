/**
 * Bucket notification configuration for the local S3 endpoint (`s3.ts`): GetBucketNotificationConfiguration
 * and PutBucketNotificationConfiguration (`GET|PUT /<bucket>?notification`, REST XML). A put replaces the whole
 * configuration, as in S3; the configuration lives beside the buckets under `<s3Dir>/.bucket-config/<bucket>/`
 * (not a valid bucket name, so never listed as one). Whether `<EventBridgeConfiguration/>` is present decides if
 * the bucket's object events reach EventBridge:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { escapeXml } from './wire';

const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const CONFIG_DIR = '.bucket-config';
const EMPTY = `<NotificationConfiguration xmlns="${S3_XML_NAMESPACE}"></NotificationConfiguration>`;

function configFile(s3Dir: string, bucket: string): string {
  return path.join(path.resolve(s3Dir), CONFIG_DIR, bucket, 'notification.xml');
}

/** As the console's "Amazon EventBridge: On" (or CloudFormation's `EventBridgeEnabled: true`). */
export function enableEventBridgeNotifications(s3Dir: string, bucket: string): void {
  const file = configFile(s3Dir, bucket);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : EMPTY;
  if (current.includes('<EventBridgeConfiguration')) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, current.replace('</NotificationConfiguration>', '<EventBridgeConfiguration></EventBridgeConfiguration></NotificationConfiguration>'));
}

/** Whether a bucket's events go to EventBridge (for the local bus, which should drop the others' events). */
export function sendsEventsToEventBridge(s3Dir: string, bucket: string): boolean {
  const file = configFile(s3Dir, bucket);
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('<EventBridgeConfiguration');
}

/**
 * Answers `?notification` requests on a bucket; returns false for anything else (the object endpoint's).
 * Mount in the S3 router before the object operations.
 */
export function handleBucketNotificationRequest(s3Dir: string, bucket: string, request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (!url.searchParams.has('notification')) return false;
  void (async () => {
    const bucketDir = path.join(path.resolve(s3Dir), bucket);
    if (!fs.existsSync(bucketDir)) return sendError(response, 404, 'NoSuchBucket', 'The specified bucket does not exist', bucket);
    const file = configFile(s3Dir, bucket);
    if (request.method === 'GET') {
      const body = `<?xml version="1.0" encoding="UTF-8"?>${fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : EMPTY}`;
      response.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), 'x-amz-request-id': randomUUID() });
      response.end(body);
      return;
    }
    if (request.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const xml = Buffer.concat(chunks).toString('utf8').replace(/^<\?xml[^>]*\?>\s*/, '').trim();
      if (!/^<NotificationConfiguration[\s>][\s\S]*<\/NotificationConfiguration>$/.test(xml) && !/^<NotificationConfiguration[^>]*\/>$/.test(xml)) {
        return sendError(response, 400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', bucket);
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, xml);
      response.writeHead(200, { 'x-amz-request-id': randomUUID(), 'Content-Length': 0 });
      response.end();
      return;
    }
    sendError(response, 405, 'MethodNotAllowed', `${request.method} is not allowed on ?notification`, bucket);
  })().catch((error: unknown) => sendError(response, 500, 'InternalError', error instanceof Error ? error.message : String(error), bucket));
  return true;
}

function sendError(response: ServerResponse, status: number, code: string, message: string, bucket: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><BucketName>${escapeXml(bucket)}</BucketName><RequestId>${randomUUID()}</RequestId></Error>`;
  if (response.headersSent) return void response.end();
  response.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
