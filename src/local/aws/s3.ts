/**
 * A local S3 endpoint, path-style REST (`/<bucket>/<key>`), with what landfall's clients use: PutObject,
 * GetObject, HeadObject, DeleteObject, ListObjectsV2 (prefix, max-keys, continuation), CreateBucket.
 * Objects are files under `<s3Dir>/<bucket>/<key>` — the folder the local COPY and `LocalFolderObjectStore`
 * use — so `s3://bucket/key` and the file are the same thing. Errors are S3's REST error XML
 * (`<Error><Code>NoSuchKey</Code>…`), so the SDK raises its own exception classes (`NoSuchKey`, `NotFound`,
 * `NoSuchBucket`). https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 *
 * Stricter than lenient emulators: a bucket must exist (a folder, created by `createBucket` or CreateBucket),
 * a key may not escape the bucket, a body sent with a CRC32 or Content-MD5 checksum must match it, the
 * SDK's `aws-chunked` uploads are decoded and their trailing checksum verified, and PutObject's conditional
 * headers (If-Match, If-None-Match) are enforced.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { isWriteInProgress, writeFileAtomic } from '../../engine/write-file-atomic';
import { handleBucketNotificationRequest } from './s3-bucket-notifications';
import { escapeXml } from './wire';

const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** S3's single PutObject limit is 5 GiB; the local endpoint refuses far less (nothing here needs more). */
const MAX_LOCAL_OBJECT_BYTES = 512 * 1024 * 1024;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

class S3Error extends Error {
  constructor(readonly code: string, message: string, readonly status: number, readonly resource?: string) {
    super(message);
    this.name = 'S3Error';
  }
}

export class LocalS3 {
  constructor(readonly s3Dir: string) {}

  /** As CloudFormation creating an `AWS::S3::Bucket`. */
  createBucket(bucket: string): void {
    if (!BUCKET_NAME.test(bucket)) throw new Error(`invalid bucket name '${bucket}'`);
    fs.mkdirSync(path.join(path.resolve(this.s3Dir), bucket), { recursive: true });
  }

  /** The request listener: mount it with `startLocalCloud({ s3 })`. */
  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    void this.route(request, response).catch((error: unknown) => {
      const s3Error = error instanceof S3Error ? error : new S3Error('InternalError', error instanceof Error ? error.message : String(error), 500);
      sendError(response, s3Error, request.method === 'HEAD');
    });
  };

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, rawBucket = '', ...rest] = url.pathname.split('/');
    const bucket = decodeURIComponent(rawBucket);
    const key = rest.map(decodeURIComponent).join('/');
    if (!bucket) throw new S3Error('MethodNotAllowed', 'ListBuckets is not supported by the local endpoint', 405);
    const method = request.method ?? 'GET';
    if (!key) {
      if (handleBucketNotificationRequest(this.s3Dir, bucket, request, response)) return;
      if (method === 'PUT') {
        await drain(request);
        this.createBucket(bucket);
        response.writeHead(200, { Location: `/${bucket}`, 'x-amz-request-id': randomUUID() });
        response.end();
        return;
      }
      if (method === 'GET' && url.searchParams.get('list-type') === '2') return this.listObjectsV2(bucket, url.searchParams, response);
      throw new S3Error('NotImplemented', `${method} /${bucket} is not supported by the local endpoint`, 501);
    }
    const file = this.fileOf(bucket, key);
    switch (method) {
      case 'PUT': return this.putObject(request, response, file);
      case 'GET': return this.getObject(response, file, key, false);
      case 'HEAD': return this.getObject(response, file, key, true);
      case 'DELETE':
        fs.rmSync(file, { force: true });
        response.writeHead(204, { 'x-amz-request-id': randomUUID() });
        response.end();
        return;
      default:
        throw new S3Error('MethodNotAllowed', `${method} is not allowed on an object`, 405);
    }
  }

  private fileOf(bucket: string, key: string): string {
    const root = path.resolve(this.s3Dir);
    const bucketDir = path.join(root, bucket);
    if (!BUCKET_NAME.test(bucket) || !fs.existsSync(bucketDir)) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, `/${bucket}`);
    if (Buffer.byteLength(key) > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long', 400);
    const file = path.resolve(bucketDir, key);
    if (!file.startsWith(bucketDir + path.sep) || key.endsWith('/')) throw new S3Error('InvalidArgument', `the key '${key}' is not a file inside the bucket`, 400);
    return file;
  }

  private async putObject(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
    const raw = await readBody(request);
    const chunked = String(request.headers['content-encoding'] ?? '').includes('aws-chunked')
      || String(request.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    const { body, trailers } = chunked ? decodeAwsChunked(raw) : { body: raw, trailers: {} as Record<string, string> };
    const crc32 = request.headers['x-amz-checksum-crc32'] ?? trailers['x-amz-checksum-crc32'];
    if (typeof crc32 === 'string' && crc32 !== crc32Base64(body)) {
      throw new S3Error('BadDigest', 'The CRC32 you specified did not match the calculated checksum.', 400);
    }
    const md5 = request.headers['content-md5'];
    if (typeof md5 === 'string' && md5 !== createHash('md5').update(body).digest('base64')) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
    }
    checkWritePreconditions(request, file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written beside and renamed: a reader never sees half an object, as in S3. From the precondition check to the
    // rename nothing awaits, so two conditional writes to one key cannot both pass.
    writeFileAtomic(file, body);
    response.writeHead(200, { ETag: etagOf(body), 'x-amz-request-id': randomUUID(), ...(typeof crc32 === 'string' ? { 'x-amz-checksum-crc32': crc32 } : {}) });
    response.end();
  }

  private getObject(response: ServerResponse, file: string, key: string, headOnly: boolean): void {
    let body: Buffer;
    try {
      body = fs.readFileSync(file);
    } catch {
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, key);
    }
    const stat = fs.statSync(file);
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': body.length,
      ETag: etagOf(body),
      'Last-Modified': stat.mtime.toUTCString(),
      'x-amz-request-id': randomUUID(),
    });
    response.end(headOnly ? undefined : body);
  }

  private listObjectsV2(bucket: string, params: URLSearchParams, response: ServerResponse): void {
    const bucketDir = path.join(path.resolve(this.s3Dir), bucket);
    if (!BUCKET_NAME.test(bucket) || !fs.existsSync(bucketDir)) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, `/${bucket}`);
    const prefix = params.get('prefix') ?? '';
    const maxKeys = Math.min(1000, Number(params.get('max-keys') ?? '1000'));
    const after = params.get('continuation-token') ? Buffer.from(params.get('continuation-token')!, 'base64').toString('utf8') : params.get('start-after') ?? '';
    const keys = listFiles(bucketDir).filter((k) => k.startsWith(prefix) && k > after && !isWriteInProgress(path.posix.basename(k))).sort();
    const page = keys.slice(0, maxKeys);
    const truncated = keys.length > page.length;
    const contents = page.map((k) => {
      const stat = fs.statSync(path.join(bucketDir, k));
      return `<Contents><Key>${escapeXml(k)}</Key><LastModified>${stat.mtime.toISOString()}</LastModified><Size>${stat.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    }).join('');
    const body = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="${S3_XML_NAMESPACE}"><Name>${escapeXml(bucket)}</Name>`
      + `<Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`
      + (truncated ? `<NextContinuationToken>${Buffer.from(page[page.length - 1]!).toString('base64')}</NextContinuationToken>` : '')
      + `${contents}</ListBucketResult>`;
    response.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), 'x-amz-request-id': randomUUID() });
    response.end(body);
  }
}

function listFiles(dir: string, base = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = base ? `${base}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  });
}

/**
 * S3's conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
 * `If-None-Match: *` fails with 412 PreconditionFailed when the key exists (any other value is refused);
 * `If-Match: <etag>` fails with 412 when the object's ETag differs, and with 404 NoSuchKey when there is no object.
 * (S3 may also answer 409 ConditionalRequestConflict to concurrent conditional writes; here they are serialized.)
 */
function checkWritePreconditions(request: IncomingMessage, file: string): void {
  const ifNoneMatch = request.headers['if-none-match'];
  const ifMatch = request.headers['if-match'];
  if (typeof ifNoneMatch === 'string') {
    if (ifNoneMatch.trim() !== '*') throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented: If-None-Match accepts only *', 501);
    if (fs.existsSync(file)) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, 'If-None-Match');
  }
  if (typeof ifMatch === 'string') {
    if (!fs.existsSync(file)) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404);
    const wanted = ifMatch.trim().replace(/^"|"$/g, '');
    if (etagOf(fs.readFileSync(file)) !== `"${wanted}"`) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, 'If-Match');
  }
}

function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function crc32Base64(body: Buffer): string {
  const value = zlib.crc32(body);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_LOCAL_OBJECT_BYTES) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function drain(request: IncomingMessage): Promise<void> {
  for await (const _chunk of request) { /* CreateBucketConfiguration is ignored */ }
}

/**
 * `aws-chunked` content encoding: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` repeated, a `0`-sized chunk,
 * then trailer lines `name:value\r\n` (the SDK puts the checksum there).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
export function decodeAwsChunked(raw: Buffer): { body: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new S3Error('IncompleteBody', 'aws-chunked body ends inside a chunk header', 400);
    const size = parseInt(raw.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new S3Error('InvalidRequest', 'aws-chunked body has a malformed chunk size', 400);
    offset = lineEnd + 2;
    if (size === 0) break;
    parts.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { body: Buffer.concat(parts), trailers };
}

function sendError(response: ServerResponse, error: S3Error, headOnly: boolean): void {
  const requestId = randomUUID();
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>`
    + (error.resource !== undefined ? `<${error.code === 'NoSuchKey' ? 'Key' : 'Resource'}>${escapeXml(error.resource)}</${error.code === 'NoSuchKey' ? 'Key' : 'Resource'}>` : '')
    + `<RequestId>${requestId}</RequestId></Error>`;
  if (response.headersSent) {
    response.end();
    return;
  }
  // A HEAD response has no body: the SDK names the error from the status (404 → NotFound), as with S3.
  response.writeHead(error.status, { 'Content-Type': 'application/xml', 'x-amz-request-id': requestId, ...(headOnly ? {} : { 'Content-Length': Buffer.byteLength(body) }) });
  response.end(headOnly ? undefined : body);
}
