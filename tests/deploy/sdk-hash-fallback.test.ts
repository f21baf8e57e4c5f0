/**
 * The Lambda bundles leave out the AWS SDK's JavaScript SHA-1/SHA-256/MD5 (scripts/bundle/no-js-hash-fallback.mjs): the
 * hashes the SDK uses in Node.js (request signing, S3 checksums) still come out right from node:crypto, and the
 * fallback, were it ever needed, fails with the reason.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const repo = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lambdaBuildOptions } = require('../../esbuild.config.js') as { lambdaBuildOptions: (manifestJson: string) => Record<string, unknown> };

describe('the SDK hashes in a Lambda bundle', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-sdk-hashes-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are node:crypto digests, without the JavaScript implementations', async () => {
    const outfile = path.join(dir, 'hashes.js');
    await build({
      ...lambdaBuildOptions('{}'), outfile, sourcemap: false, logLevel: 'error',
      stdin: {
        resolveDir: repo, loader: 'ts', sourcefile: 'hashes.ts', contents: `
          import { Md5, Sha256, Sha256Js } from '@smithy/core/checksum';
          import { Sha1 } from '@aws-sdk/checksums/sha';
          const hex = async (Hash: any, secret?: string) => { const h = new Hash(secret); h.update(new TextEncoder().encode('landfall')); return Buffer.from(await h.digest()).toString('hex'); };
          export const digests = async () => ({ md5: await hex(Md5), sha1: await hex(Sha1), sha256: await hex(Sha256), hmac: await hex(Sha256, 'key') });
          export const fallback = () => new (Sha256Js as any)();`,
      },
    } as never);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(outfile) as { digests: () => Promise<Record<string, string>>; fallback: () => unknown };
    const node = (algorithm: string) => crypto.createHash(algorithm).update('landfall').digest('hex');
    expect(await bundled.digests()).toEqual({ md5: node('md5'), sha1: node('sha1'), sha256: node('sha256'), hmac: crypto.createHmac('sha256', 'key').update('landfall').digest('hex') });
    expect(bundled.fallback).toThrow(/no native hash .*scripts\/bundle\/no-js-hash-fallback\.mjs/);
    // The JavaScript SHA-256 carries its round constants (0x428a2f98 is the first): they are gone.
    expect(fs.readFileSync(outfile, 'utf8')).not.toMatch(/1116352408|0x428a2f98/i);
  });
});
