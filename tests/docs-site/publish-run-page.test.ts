import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { addRunFailures, publishRunPage, updateJson, type DocsSiteBucket } from '../../src/docs-site/publish/publish-run-page';
import { MAX_PRESIGNED_SECONDS, runPageLink } from '../../src/docs-site/publish/run-page-link';
import { publishingToDocsSite } from '../../src/runtime/aws-docs-site';
import type { RunHistoryStore } from '../../src/runtime/run-history-store';
import type { RunRecord } from '../../src/docs-site/site-data';
import { clientConfig, type StartedLocalS3, startLocalS3 } from '../local/aws/support';

function run(id: string, startedAt: string, testStatus: 'pass' | 'fail'): RunRecord {
  return {
    id, command: 'build', status: testStatus === 'fail' ? 'failed' : 'success', startedAt, finishedAt: startedAt, trigger: { kind: 'arrival', summary: 'fivetran app' },
    nodes: [
      { id: 'model.p.a', name: 'a', kind: 'model', status: 'success', startedAt, finishedAt: startedAt },
      { id: 'test.p.not_null_a_id.1', name: 'not_null_a_id', kind: 'test', status: testStatus, failures: testStatus === 'fail' ? 3 : 0 },
    ],
    failures: testStatus === 'fail' ? [{ nodeId: 'test.p.not_null_a_id.1', name: 'not_null_a_id', failures: 3 }] : [],
  };
}

describe('run pages published to the docs bucket (local S3 endpoint)', () => {
  let local: StartedLocalS3;
  let client: S3Client;
  let site: DocsSiteBucket;
  const read = async (key: string) => JSON.parse(await (await client.send(new GetObjectCommand({ Bucket: 'docs', Key: `site/${key}` }))).Body!.transformToString());

  beforeAll(async () => {
    local = await startLocalS3(['docs']);
    client = local.client;
    site = { client, bucket: 'docs', prefix: 'site/' };
  });

  afterAll(() => local.close());

  it('writes the run file and adds the run to the index and the test history, newest first', async () => {
    await publishRunPage(site, run('exec-1', '2026-12-05T01:00:00Z', 'pass'));
    await publishRunPage(site, run('exec-2', '2026-12-05T02:00:00Z', 'fail'));
    expect((await read('data/runs/index.json')).map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([['exec-2', 'failed'], ['exec-1', 'success']]);
    expect(await read('data/test-history.json')).toEqual({ runs: ['exec-1', 'exec-2'], tests: { 'test.p.not_null_a_id.1': 'pf' } });
    expect((await read('data/runs/exec-2.json')).nodes).toHaveLength(2);
  });

  it('enforces conditional writes on the local endpoint as S3 does: If-None-Match *, If-Match <etag>', async () => {
    const key = 'site/cas.json';
    await client.send(new PutObjectCommand({ Bucket: 'docs', Key: key, Body: '1', IfNoneMatch: '*' }));
    await expect(client.send(new PutObjectCommand({ Bucket: 'docs', Key: key, Body: '2', IfNoneMatch: '*' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const { ETag } = await client.send(new GetObjectCommand({ Bucket: 'docs', Key: key }));
    await client.send(new PutObjectCommand({ Bucket: 'docs', Key: key, Body: '3', IfMatch: ETag }));
    await expect(client.send(new PutObjectCommand({ Bucket: 'docs', Key: key, Body: '4', IfMatch: ETag }))).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    await expect(client.send(new PutObjectCommand({ Bucket: 'docs', Key: 'site/absent.json', Body: '5', IfMatch: ETag }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(await read('cas.json')).toBe(3);
  });

  it('runs ending together all land in the index and the test history (conditional writes, retried)', async () => {
    const concurrent = { ...site, prefix: 'together/' };
    const runs = Array.from({ length: 8 }, (_, i) => run(`race-${i}`, `2026-12-05T0${i}:30:00Z`, i % 2 ? 'fail' : 'pass'));
    await Promise.all(runs.map((r) => publishRunPage(concurrent, r)));
    const index = JSON.parse(await (await client.send(new GetObjectCommand({ Bucket: 'docs', Key: 'together/data/runs/index.json' }))).Body!.transformToString()) as { id: string }[];
    expect(index.map((r) => r.id).sort()).toEqual(runs.map((r) => r.id).sort());
    const history = JSON.parse(await (await client.send(new GetObjectCommand({ Bucket: 'docs', Key: 'together/data/test-history.json' }))).Body!.transformToString()) as { runs: string[] };
    expect([...history.runs].sort()).toEqual(runs.map((r) => r.id).sort());
    // The conflict path ran: 8 writers that all read the absent file first cannot all write on their first attempt.
    let attempts = 0;
    await Promise.all(Array.from({ length: 8 }, (_, i) => updateJson<number[]>(concurrent, 'counter.json', [], (list) => [...list, i]).then((n) => { attempts += n; })));
    expect(attempts).toBeGreaterThan(8);
    const counter = JSON.parse(await (await client.send(new GetObjectCommand({ Bucket: 'docs', Key: 'together/counter.json' }))).Body!.transformToString()) as number[];
    expect(counter.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('adds the failing rows PublishAlert fetched to the run page', async () => {
    await addRunFailures(site, 'exec-2', [{ nodeId: 'test.p.not_null_a_id.1', name: 'not_null_a_id', failures: 3, sql: 'select * from a where id is null', sample: { columns: ['id'], rows: [[null]] } }]);
    expect((await read('data/runs/exec-2.json')).failures).toEqual([{ nodeId: 'test.p.not_null_a_id.1', name: 'not_null_a_id', failures: 3, sql: 'select * from a where id is null', sample: { columns: ['id'], rows: [[null]] } }]);
  });

  it('publishes through the run history store and never fails the run when the site write fails', async () => {
    const written: string[] = [];
    const history: RunHistoryStore = { write: async (r) => { written.push(r.entry.execution.name); }, list: async () => [], readRunResults: async () => { throw new Error('unused'); } };
    const record = {
      entry: { execution: { name: 'exec-3' } },
      runResults: { metadata: { generated_at: '2026-12-05T03:00:05Z', invocation_id: 'exec-3' }, elapsed_time: 5, args: { which: 'build', landfall: { execution: { name: 'exec-3', arn: 'arn:aws:states:eu-west-1:1:execution:m:exec-3' } } }, results: [] },
    } as unknown as Parameters<RunHistoryStore['write']>[0];
    await publishingToDocsSite(history, site).write(record);
    expect(written).toEqual(['exec-3']);
    expect((await read('data/runs/exec-3.json')).consoleUrl).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\//);
    const warnings: string[] = [];
    await publishingToDocsSite(history, { ...site, bucket: 'no-such-bucket' }, (m) => warnings.push(m)).write(record);
    expect(warnings).toEqual([expect.stringMatching(/^docs site: run page of exec-3 not published: /)]);
  });

  it('links a private bucket run page with two pre-signed URLs and states the earlier expiry (credentials or 7 days)', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'docs', Key: 'site/index.html', Body: '<html></html>' }));
    const now = new Date();
    const link = await runPageLink(site, 'exec-2', { expiresInSeconds: 30 * 24 * 3600, now });
    expect(link.expiresAt!.getTime()).toBe(now.getTime() + MAX_PRESIGNED_SECONDS * 1000);
    const [shell, fragment] = link.url.split('#');
    expect(shell).toMatch(/\/docs\/site\/index\.html\?.*X-Amz-Expires=604800/);
    const src = new URLSearchParams(fragment!.split('?')[1]).get('src')!;
    expect(fragment!.startsWith('/run/exec-2?src=')).toBe(true);
    expect(await (await fetch(src)).json()).toMatchObject({ id: 'exec-2' });
    const temporary = new S3Client({ ...clientConfig(local.url), forcePathStyle: true, credentials: { accessKeyId: 'AKIA', secretAccessKey: 's', sessionToken: 't', expiration: new Date(now.getTime() + 3600_000) } });
    const short = await runPageLink({ ...site, client: temporary }, 'exec-2', { now });
    expect(short.expiresAt).toEqual(new Date(now.getTime() + 3600_000));
    expect(await runPageLink(site, 'exec-2', { siteUrl: 'https://docs.example.com' })).toEqual({ url: 'https://docs.example.com/#/run/exec-2' });
  });
});
