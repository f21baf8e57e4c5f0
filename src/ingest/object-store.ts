/**
 * Where landfall writes the manifest and ledger files of a batch load: S3 in AWS, a folder locally
 * (`<s3Dir>/<bucket>/<key>`, the same folder the local COPY reads).
 */
import fs from 'node:fs';
import path from 'node:path';
import { IngestError } from './errors';

export interface ObjectStore {
  putObject(bucket: string, key: string, body: string): Promise<void>;
  /** The object's first `maxBytes` bytes (to place a bad record in a quarantined object); undefined when it is gone. */
  getObjectStart?(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined>;
}

/**
 * @example
 * const store = new LocalFolderObjectStore('.landfall/s3');
 * await store.putObject('landing', 'landfall/load-batches/ab/manifest.json', '{"entries":[]}');
 */
export class LocalFolderObjectStore implements ObjectStore {
  constructor(readonly s3Dir: string) {}

  /** The file standing in for `s3://bucket/key`. */
  pathOf(bucket: string, key: string): string {
    const root = path.resolve(this.s3Dir);
    const bucketDir = path.resolve(root, bucket);
    const file = path.resolve(bucketDir, key);
    // Confined to the bucket's own folder: a `../` in a key never reaches another bucket.
    if (!file.startsWith(bucketDir + path.sep) || bucket.includes('/') || bucket === '.' || bucket === '..') {
      throw new IngestError(`s3://${bucket}/${key} is outside the bucket's folder ${bucketDir}`);
    }
    return file;
  }

  async putObject(bucket: string, key: string, body: string): Promise<void> {
    const file = this.pathOf(bucket, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
  }

  async getObjectStart(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined> {
    const file = this.pathOf(bucket, key);
    if (!fs.existsSync(file)) return undefined;
    const handle = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(maxBytes, fs.fstatSync(handle).size));
      fs.readSync(handle, buffer, 0, buffer.length, 0);
      return buffer;
    } finally {
      fs.closeSync(handle);
    }
  }
}
