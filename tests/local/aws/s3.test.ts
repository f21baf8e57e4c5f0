/** The local S3 endpoint through the production SDK client: objects are files, errors are S3's. */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { type LocalCloud, startLocalCloud } from '../../../src/local/aws/local-cloud';
import { decodeAwsChunked, LocalS3 } from '../../../src/local/aws/s3';
import { clientConfig, makeStateDir } from './support';

describe('Class: LocalS3', () => {
  let stateDir: string;
  let remove: () => void;
  let cloud: LocalCloud;
  let s3: S3Client;

  beforeAll(async () => {
    ({ stateDir, remove } = makeStateDir());
    const local = new LocalS3(path.join(stateDir, 's3'));
    local.createBucket('run-state');
    cloud = await startLocalCloud({ s3: local });
    s3 = new S3Client({ ...clientConfig(cloud.url), forcePathStyle: true });
  });

  afterAll(async () => {
    await cloud.close();
    remove();
  });

  it('stores a PutObject as the file <s3Dir>/<bucket>/<key> and returns it from GetObject and HeadObject', async () => {
    const body = Buffer.from('{"hello":"world"}');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'runs/r1/run-state.json.gz', Body: body }));
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(fs.readFileSync(path.join(stateDir, 's3', 'run-state', 'runs', 'r1', 'run-state.json.gz'), 'utf8')).toBe('{"hello":"world"}');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'run-state', Key: 'runs/r1/run-state.json.gz' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).toString()).toBe('{"hello":"world"}');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'run-state', Key: 'runs/r1/run-state.json.gz' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.ETag).toBe(put.ETag);
  });

  it('decodes a streamed (aws-chunked) upload and checks its trailing CRC32', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'streamed.txt', Body: Readable.from([Buffer.from('part one, '), Buffer.from('part two')]), ContentLength: 18 }));
    expect(fs.readFileSync(path.join(stateDir, 's3', 'run-state', 'streamed.txt'), 'utf8')).toBe('part one, part two');
    const decoded = decodeAwsChunked(Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n'));
    expect(decoded.body.toString()).toBe('hello');
    expect(decoded.trailers['x-amz-checksum-crc32']).toBe('NhCmhg==');
  });

  it('refuses a body whose checksum does not match it (BadDigest)', async () => {
    const error = await s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: 'bad.txt', Body: 'abc', ChecksumCRC32: 'AAAAAA==' })).catch((e: unknown) => e);
    expect((error as S3ServiceException).name).toBe('BadDigest');
    expect(fs.existsSync(path.join(stateDir, 's3', 'run-state', 'bad.txt'))).toBe(false);
  });

  it('answers a missing key with NoSuchKey (GetObject) and NotFound (HeadObject), a missing bucket with NoSuchBucket', async () => {
    const missing = await s3.send(new GetObjectCommand({ Bucket: 'run-state', Key: 'nope' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NoSuchKey);
    expect((missing as NoSuchKey).$metadata.httpStatusCode).toBe(404);
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'run-state', Key: 'nope' }))).rejects.toBeInstanceOf(NotFound);
    const noBucket = await s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })).catch((e: unknown) => e);
    expect((noBucket as S3ServiceException).name).toBe('NoSuchBucket');
  });

  it('refuses a key that would escape the bucket folder', async () => {
    const response = await fetch(`${cloud.url}/run-state/..%2F..%2Foutside.txt`, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/<Code>InvalidArgument<\/Code>/);
    expect(fs.existsSync(path.join(stateDir, 'outside.txt'))).toBe(false);
  });

  it('lists keys under a prefix, a page at a time, and deletes', async () => {
    for (const k of ['list/a', 'list/b', 'list/c']) await s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: k, Body: k }));
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'run-state', Prefix: 'list/', MaxKeys: 2 }));
    expect(first.Contents!.map((c) => c.Key)).toEqual(['list/a', 'list/b']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(new ListObjectsV2Command({ Bucket: 'run-state', Prefix: 'list/', ContinuationToken: first.NextContinuationToken }));
    expect(second.Contents!.map((c) => c.Key)).toEqual(['list/c']);
    await s3.send(new DeleteObjectCommand({ Bucket: 'run-state', Key: 'list/b' }));
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'run-state', Prefix: 'list/' }));
    expect(after.Contents!.map((c) => c.Key)).toEqual(['list/a', 'list/c']);
  });

  it('lists a key ending in .partial or .tmp like any other, and leaves out an object still being written', async () => {
    for (const k of ['names/upload.partial', 'names/upload.tmp']) await s3.send(new PutObjectCommand({ Bucket: 'run-state', Key: k, Body: k }));
    fs.writeFileSync(path.join(stateDir, 's3', 'run-state', 'names', 'upload.json.4242-0123456789ab.tmp'), 'half');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'run-state', Prefix: 'names/' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual(['names/upload.partial', 'names/upload.tmp']);
  });
});
