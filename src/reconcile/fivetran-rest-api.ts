/**
 * The Fivetran REST API, read-only: a connection's last successful sync and its cadence.
 * `GET {base}/v1/connections/{id}` with HTTP Basic `api_key:api_secret`
 * (https://fivetran.com/docs/rest-api/api-reference/connections, "Retrieve connection details"; the older
 * `/v1/connectors/{id}` answers the same fields). Fields used from `data`: `succeeded_at` (ISO time of the last
 * successful sync), `sync_frequency` (minutes), `paused`.
 */
import type { FivetranConnectorStatus } from './plan-reconciliation';

export interface FivetranApiConfig {
  /** Default `https://api.fivetran.com` (`LANDFALL_FIVETRAN_API_URL` points it at the local fake). */
  baseUrl?: string;
  apiKey: string;
  apiSecret: string;
  fetch?: typeof fetch;
}

export class FivetranApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'FivetranApiError';
  }
}

export class FivetranRestApi {
  constructor(private readonly config: FivetranApiConfig) {}

  /**
   * @throws FivetranApiError when Fivetran answers anything but 200 (401: the key; 404: no such connection)
   * @example
   * await new FivetranRestApi({ apiKey, apiSecret }).connectionStatus('wetransfer_app_db');
   * // { connectorId: 'wetransfer_app_db', succeededAt: '2026-12-05T06:00:12.345Z', syncFrequencyMinutes: 60, paused: false }
   */
  async connectionStatus(connectorId: string): Promise<FivetranConnectorStatus> {
    const base = (this.config.baseUrl ?? 'https://api.fivetran.com').replace(/\/$/, '');
    const auth = Buffer.from(`${this.config.apiKey}:${this.config.apiSecret}`).toString('base64');
    const response = await (this.config.fetch ?? fetch)(`${base}/v1/connections/${encodeURIComponent(connectorId)}`, {
      headers: { Authorization: `Basic ${auth}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status !== 200) throw new FivetranApiError(response.status, `Fivetran API ${response.status} for connection ${connectorId}: ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { data?: { succeeded_at?: unknown; sync_frequency?: unknown; paused?: unknown } };
    const data = body.data ?? {};
    return {
      connectorId,
      ...(typeof data.succeeded_at === 'string' && { succeededAt: data.succeeded_at }),
      ...(typeof data.sync_frequency === 'number' && { syncFrequencyMinutes: data.sync_frequency }),
      ...(typeof data.paused === 'boolean' && { paused: data.paused }),
    };
  }
}
