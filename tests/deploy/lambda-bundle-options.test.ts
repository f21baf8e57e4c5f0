/**
 * The esbuild options of the Lambda bundles (esbuild.config.js) change what is bundled, not what it does: an S3 client
 * whose unused operation shapes were dropped still round-trips objects and raises S3's own error classes against
 * the local S3 endpoint; the embedded project decodes to the compiled manifest; js-yaml is left out only for a
 * project that never names fromyaml/toyaml, and then fails with the reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { startLocalCloud, type LocalCloud } from '../../src/local/aws/local-cloud';
import { LocalS3 } from '../../src/local/aws/s3';

const repo = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lambdaBuildOptions, embeddedManifest } = require('../../esbuild.config.js') as {
  lambdaBuildOptions: (manifestJson: string) => Record<string, unknown>;
  embeddedManifest: (manifestJson: string) => string;
};

const manifest = { landfallVersion: 1, projectName: 'bundle_test', models: { 'model.bundle_test.a': { rawSql: 'select 1 as a' } } };
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landfall-bundle-options-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Bundles `source` (TypeScript, resolved from the repository) as a Lambda function is bundled, and loads it. */
async function bundle<T>(name: string, source: string, manifestJson = JSON.stringify(manifest)): Promise<{ module: T; text: string }> {
  const outfile = path.join(dir, `${name}.js`);
  await build({ ...lambdaBuildOptions(manifestJson), stdin: { contents: source, resolveDir: repo, loader: 'ts', sourcefile: `${name}.ts` }, outfile, sourcemap: false, logLevel: 'error' } as never);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { module: require(outfile) as T, text: fs.readFileSync(outfile, 'utf8') };
}

describe('the S3 client as bundled (operation shapes tree-shaken)', () => {
  let cloud: LocalCloud;
  const saved = { ...process.env };

  beforeAll(async () => {
    const s3 = new LocalS3(path.join(dir, 's3'));
    s3.createBucket('bundle-test');
    cloud = await startLocalCloud({ s3 });
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: cloud.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });
  afterAll(async () => {
    process.env = saved;
    await cloud.close();
  });

  it('puts and gets an object, and a missing key is S3’s NoSuchKey', async () => {
    const { module, text } = await bundle<{ roundTrip: () => Promise<{ body: string; missing: string }> }>('s3-round-trip', `
      import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
      export async function roundTrip() {
        const s3 = new S3Client({ forcePathStyle: true });
        await s3.send(new PutObjectCommand({ Bucket: 'bundle-test', Key: 'runs/a.json', Body: '{"ok":true}', ContentType: 'application/json' }));
        const got = await s3.send(new GetObjectCommand({ Bucket: 'bundle-test', Key: 'runs/a.json' }));
        const missing = await s3.send(new GetObjectCommand({ Bucket: 'bundle-test', Key: 'runs/none.json' })).then(() => 'found', (error) => error.name);
        return { body: await got.Body.transformToString(), missing };
      }`);
    await expect(module.roundTrip()).resolves.toEqual({ body: '{"ok":true}', missing: 'NoSuchKey' });
    // The shapes of operations the code never sends are gone (they were all kept before: ~57 KiB).
    expect(text).not.toContain('PutBucketLifecycleConfiguration');
    expect(text).not.toContain('SelectObjectContentRequest');
  }, 60_000);
});

describe('the embedded project', () => {
  it('is Brotli-compressed and loads as the compiled manifest', async () => {
    expect(embeddedManifest(JSON.stringify(manifest)).length).toBeLessThan(JSON.stringify(manifest).length * 2);
    const saved = process.env.LANDFALL_MANIFEST_PATH;
    delete process.env.LANDFALL_MANIFEST_PATH;
    try {
      const { module } = await bundle<{ loadCompiledManifest: () => unknown }>('manifest', `export { loadCompiledManifest } from './src/runtime/compiled-project';`);
      expect(module.loadCompiledManifest()).toEqual(manifest);
    } finally {
      if (saved !== undefined) process.env.LANDFALL_MANIFEST_PATH = saved;
    }
  }, 60_000);
});

describe('js-yaml in the bundles', () => {
  // The render context's fromyaml/toyaml, and another module reading YAML at run time (PublishAlert reads landfall.yml).
  const source = `
    import * as yaml from 'js-yaml';
    import { buildRenderContext } from './src/engine/render/render-context';
    import { RelationRef } from './src/engine/render/relation';
    const context = buildRenderContext({
      target: { name: 'dev', type: 'redshift', schema: 'analytics', database: 'dev' }, vars: {}, self: new RelationRef('analytics', 'a'),
      invocationId: 'inv-1', runStartedAt: new Date(0),
      hooks: { ref: (name) => new RelationRef('analytics', name), source: (s, t) => new RelationRef(s, t), config: () => undefined, configValues: () => ({}), isIncremental: () => false },
    } as never) as { fromyaml: (text: string) => unknown; toyaml: (value: unknown) => string };
    export const fromyaml = (text: string) => context.fromyaml(text);
    export const toyaml = (value: unknown) => context.toyaml(value);
    export const settings = (text: string) => yaml.load(text);
  `;
  type Module = { fromyaml: (text: string) => unknown; toyaml: (value: unknown) => string; settings: (text: string) => unknown };

  it('is left out of the render context for a project that never names fromyaml or toyaml, which then says why; other YAML readers keep it', async () => {
    const { module } = await bundle<Module>('no-yaml', source);
    expect(() => module.toyaml({ a: 1 })).toThrow(/js-yaml is not in this bundle because the compiled project never mentions fromyaml or toyaml/);
    expect(module.settings('a: 1')).toEqual({ a: 1 });
  }, 60_000);

  it('is in the render context when a template of the project calls fromyaml', async () => {
    const withYaml = JSON.stringify({ ...manifest, macroSource: "{% macro m() %}{{ fromyaml('a: 1') }}{% endmacro %}" });
    const { module } = await bundle<Module>('with-yaml', source, withYaml);
    expect(module.fromyaml('a: 1')).toEqual({ a: 1 });
    expect(module.toyaml({ a: 1 })).toBe('a: 1\n');
    expect(module.settings('a: 1')).toEqual({ a: 1 });
  }, 60_000);
});
