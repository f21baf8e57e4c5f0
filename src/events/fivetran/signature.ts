import { createHmac, timingSafeEqual } from 'node:crypto';

/** The HTTP header that carries Fivetran's webhook signature. */
export const FIVETRAN_SIGNATURE_HEADER = 'x-fivetran-signature-256';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * True if `header` is the HMAC-SHA256 of the raw request body under `secret`, as Fivetran signs webhooks
 * (`X-Fivetran-Signature-256`: 64 hex digits, no `sha256=` prefix, no timestamp).
 *
 * Verify the exact bytes received: re-serialised JSON no longer matches. Fivetran has been seen sending
 * both upper- and lower-case hex, so the comparison ignores case; it runs in constant time. A missing
 * or malformed header gives `false`, never an exception.
 *
 * @example
 * const ok = verifyFivetranSignature(rawBody, request.headers['x-fivetran-signature-256'], process.env.FIVETRAN_WEBHOOK_SECRET!);
 * if (!ok) return { statusCode: 401 };
 */
export function verifyFivetranSignature(rawBody: Buffer | string, header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const received = header.trim();
  if (!HEX_SHA256.test(received)) return false;
  const expected = signFivetranBody(rawBody, secret);
  return timingSafeEqual(Buffer.from(received.toLowerCase(), 'ascii'), Buffer.from(expected, 'ascii'));
}

/**
 * The lower-case hex HMAC-SHA256 of `rawBody` under `secret`: the value Fivetran puts in `X-Fivetran-Signature-256`.
 * Useful to sign sample payloads when replaying them against a local receiver.
 *
 * @example
 * const signature = signFivetranBody(readFileSync('events/samples/fivetran/sync-end-successful.json'), 'local-secret');
 */
export function signFivetranBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}
