import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IngestError } from '../../src/ingest/errors';
import { LocalFolderObjectStore } from '../../src/ingest/object-store';

describe('LocalFolderObjectStore keeps every key inside its own bucket folder', () => {
  const s3Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'object-store-'));
  const store = new LocalFolderObjectStore(s3Dir);

  it('maps a key with spaces, + and %20 to a file of the bucket', () => {
    expect(store.pathOf('landing', 'a b/c+d%20e.json')).toBe(path.join(s3Dir, 'landing', 'a b', 'c+d%20e.json'));
  });

  it.each(['../other-bucket/secret.json', 'x/../../other-bucket/secret.json', '../../etc/passwd', ''])('refuses %j', (key) => {
    expect(() => store.pathOf('landing', key)).toThrow(IngestError);
  });

  it.each(['..', '.', 'a/b'])('refuses the bucket name %j', (bucket) => {
    expect(() => store.pathOf(bucket, 'k.json')).toThrow(IngestError);
  });
});
