/**
 * Fivetran has an active webhook posting `sync_end` to the stack's `FivetranWebhookUrl`. Uses Fivetran's REST
 * API (`GET /v1/webhooks`, HTTP Basic with an API key and secret; paginated with `cursor`/`next_cursor`,
 * fivetran.com/docs/rest-api/webhooks). Skipped with a clear line when no key is in the environment.
 */
import { type CheckResult, describeError, fail, pass, skip } from './check-result';

export interface FivetranApiCredentials {
  apiKey: string;
  apiSecret: string;
  /** Default `https://api.fivetran.com`. */
  baseUrl?: string;
}

interface WebhookItem {
  id?: string;
  url?: string;
  events?: string[];
  active?: boolean;
  type?: string;
}

/** FIVETRAN_API_KEY and FIVETRAN_API_SECRET (and FIVETRAN_API_URL for another endpoint), or undefined. */
export function fivetranCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): FivetranApiCredentials | undefined {
  if (!env.FIVETRAN_API_KEY || !env.FIVETRAN_API_SECRET) return undefined;
  return { apiKey: env.FIVETRAN_API_KEY, apiSecret: env.FIVETRAN_API_SECRET, baseUrl: env.FIVETRAN_API_URL };
}

export async function checkFivetranWebhook(
  credentials: FivetranApiCredentials | undefined,
  expectedUrl: string | undefined,
  fetchFn: typeof fetch = fetch,
): Promise<CheckResult[]> {
  const check = 'Fivetran webhook';
  const register = (url: string) => `POST https://api.fivetran.com/v1/webhooks/account with {"url": "${url}", "events": ["sync_end"], "active": true, "secret": <the webhook secret>}`;
  if (!expectedUrl) return [skip(check, 'the stack has no FivetranWebhookUrl output to compare with')];
  if (!credentials) return [skip(check, 'FIVETRAN_API_KEY/FIVETRAN_API_SECRET not set, so the registration was not checked', `export FIVETRAN_API_KEY=… FIVETRAN_API_SECRET=… (Fivetran → Account settings → API key) and run doctor again`)];
  const base = (credentials.baseUrl ?? 'https://api.fivetran.com').replace(/\/$/, '');
  const authorization = `Basic ${Buffer.from(`${credentials.apiKey}:${credentials.apiSecret}`).toString('base64')}`;
  const webhooks: WebhookItem[] = [];
  try {
    let cursor: string | undefined;
    do {
      const url = `${base}/v1/webhooks?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await fetchFn(url, { headers: { Authorization: authorization, Accept: 'application/json' } });
      if (!response.ok) {
        return [fail(check, `GET /v1/webhooks answered ${response.status}`, response.status === 401 ? 'the API key or secret is wrong (Fivetran → Account settings → API key)' : 'check Fivetran\'s status and your API key\'s permissions')];
      }
      const body = (await response.json()) as { data?: { items?: WebhookItem[]; next_cursor?: string } };
      webhooks.push(...(body.data?.items ?? []));
      cursor = body.data?.next_cursor || undefined;
    } while (cursor);
  } catch (error) {
    return [fail(check, `GET /v1/webhooks failed (${describeError(error)})`, 'check network access to api.fivetran.com')];
  }
  const matching = webhooks.filter((w) => w.url === expectedUrl);
  if (matching.length === 0) {
    const others = webhooks.map((w) => w.url).filter(Boolean);
    return [fail(check, `no webhook posts to ${expectedUrl}${others.length ? ` (registered: ${others.join(', ')})` : ''}`, register(expectedUrl))];
  }
  const good = matching.find((w) => w.active !== false && (w.events ?? []).includes('sync_end'));
  if (!good) {
    return [fail(check, `webhook ${matching[0]!.id ?? ''} posts to the URL but is ${matching[0]!.active === false ? 'inactive' : `not subscribed to sync_end (events: ${(matching[0]!.events ?? []).join(', ')})`}`,
      `PATCH https://api.fivetran.com/v1/webhooks/${matching[0]!.id ?? '<id>'} with {"active": true, "events": ["sync_end", …]} (Fivetran disables a webhook after 24 h of failed deliveries)`)];
  }
  return [pass(check, `${good.type ?? 'account'} webhook ${good.id ?? ''} posts sync_end to ${expectedUrl}`)];
}
