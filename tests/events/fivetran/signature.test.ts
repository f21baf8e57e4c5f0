import { createHmac } from 'node:crypto';
import { signFivetranBody, verifyFivetranSignature } from '../../../src/events/fivetran/signature';

// The exact bytes of a live sync_end capture (reference §1).
const rawBody =
  '{"event":"sync_end","created":"2026-05-22T00:06:08.638Z","connector_type":"google_cloud_postgresql","connector_id":"assimilate_seem","connector_name":"ftar_pg","sync_id":"b4703f73-6315-4e22-8d7a-3bfb18b2fed2","destination_group_id":"inappropriate_implode","data":{"status":"SUCCESSFUL"}}';
const secret = 'webhook-secret';
const signature = createHmac('sha256', secret).update(rawBody).digest('hex');

describe('verifyFivetranSignature', () => {
  it('accepts the lower-case hex HMAC-SHA256 of the raw body', () => {
    expect(verifyFivetranSignature(rawBody, signature, secret)).toBe(true);
  });

  it('accepts the upper-case hex form Fivetran has also been seen sending', () => {
    expect(verifyFivetranSignature(rawBody, signature.toUpperCase(), secret)).toBe(true);
  });

  it('accepts the body as a Buffer', () => {
    expect(verifyFivetranSignature(Buffer.from(rawBody, 'utf8'), signature, secret)).toBe(true);
  });

  it('tolerates whitespace around the header value', () => {
    expect(verifyFivetranSignature(rawBody, ` ${signature}\n`, secret)).toBe(true);
  });

  it('rejects a body that was re-serialised', () => {
    const reformatted = JSON.stringify(JSON.parse(rawBody), null, 2);
    expect(verifyFivetranSignature(reformatted, signature, secret)).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyFivetranSignature(rawBody, signFivetranBody(rawBody, 'other-secret'), secret)).toBe(false);
  });

  it('rejects a body changed by one byte', () => {
    expect(verifyFivetranSignature(rawBody.replace('SUCCESSFUL', 'SUCCESSFUl'), signature, secret)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['prefixed with sha256=', `sha256=${signature}`],
    ['too short', signature.slice(0, 63)],
    ['too long', `${signature}0`],
    ['not hex', `${signature.slice(0, 63)}g`],
    ['base64 instead of hex', createHmac('sha256', secret).update(rawBody).digest('base64')],
  ])('returns false without throwing for a header that is %s', (_description, header) => {
    expect(verifyFivetranSignature(rawBody, header, secret)).toBe(false);
  });
});

describe('signFivetranBody', () => {
  it('produces 64 lower-case hex digits that verify', () => {
    const signed = signFivetranBody(rawBody, secret);
    expect(signed).toMatch(/^[0-9a-f]{64}$/);
    expect(signed).toBe(signature);
  });
});
