/**
 * The Fivetran webhook check reads Fivetran's REST API (GET /v1/webhooks, HTTP Basic, cursor pagination) from a
 * local server that answers in Fivetran's format, and says exactly what to register or fix.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkFivetranWebhook, fivetranCredentialsFromEnv } from '../../../src/cli/doctor/fivetran-webhook';

const URL_OUT = 'https://abc123.lambda-url.eu-west-1.on.aws/';
let server: http.Server;
let baseUrl: string;
let pages: { id: string; url: string; events: string[]; active: boolean }[][];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url!, 'http://x');
    if (request.headers.authorization !== `Basic ${Buffer.from('key:secret').toString('base64')}`) {
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'AuthFailed', message: 'Unauthorized' }));
      return;
    }
    const page = Number(url.searchParams.get('cursor') ?? '0');
    const next = page + 1 < pages.length ? String(page + 1) : undefined;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'Success', data: { items: pages[page] ?? [], ...(next ? { next_cursor: next } : {}) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const credentials = () => ({ apiKey: 'key', apiSecret: 'secret', baseUrl });

describe('checkFivetranWebhook', () => {
  it('passes when an active webhook on a later page posts sync_end to the stack URL', async () => {
    pages = [[{ id: 'other', url: 'https://elsewhere.example/', events: ['sync_end'], active: true }], [{ id: 'wh_1', url: URL_OUT, events: ['sync_start', 'sync_end'], active: true }]];
    const [result] = await checkFivetranWebhook(credentials(), URL_OUT);
    expect(result).toMatchObject({ status: 'pass', detail: expect.stringContaining('wh_1') });
  });

  it('fails with the registration call when no webhook posts to the URL', async () => {
    pages = [[{ id: 'other', url: 'https://elsewhere.example/', events: ['sync_end'], active: true }]];
    const [result] = await checkFivetranWebhook(credentials(), URL_OUT);
    expect(result!.status).toBe('fail');
    expect(result!.detail).toContain('registered: https://elsewhere.example/');
    expect(result!.fix).toContain(`POST https://api.fivetran.com/v1/webhooks/account with {"url": "${URL_OUT}", "events": ["sync_end"]`);
  });

  it('fails on an inactive webhook (Fivetran disables one after 24 h of failures) and on a wrong key', async () => {
    pages = [[{ id: 'wh_2', url: URL_OUT, events: ['sync_end'], active: false }]];
    const [inactive] = await checkFivetranWebhook(credentials(), URL_OUT);
    expect(inactive).toMatchObject({ status: 'fail', detail: expect.stringContaining('inactive'), fix: expect.stringContaining('PATCH https://api.fivetran.com/v1/webhooks/wh_2') });
    const [denied] = await checkFivetranWebhook({ ...credentials(), apiSecret: 'wrong' }, URL_OUT);
    expect(denied).toMatchObject({ status: 'fail', detail: 'GET /v1/webhooks answered 401' });
  });

  it('is skipped, saying how to run it, without an API key', async () => {
    expect(fivetranCredentialsFromEnv({})).toBeUndefined();
    const [result] = await checkFivetranWebhook(undefined, URL_OUT);
    expect(result).toMatchObject({ status: 'skip', fix: expect.stringContaining('FIVETRAN_API_KEY') });
  });
});
