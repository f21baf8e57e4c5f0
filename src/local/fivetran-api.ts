/**
 * A local stand-in for the Fivetran REST API, speaking its documented JSON: `GET /v1/connections/{id}` (and the older
 * `/v1/connectors/{id}`) answers `{"code":"Success","data":{"id","group_id","service","schema","paused",
 * "sync_frequency","succeeded_at","failed_at","status":{…}}}`; no or bad Basic auth → 401, unknown id → 404
 * `{"code":"NotFound_Connection",…}` (https://fivetran.com/docs/rest-api/api-reference/connections).
 * Tests and `serve` set a connection's last successful sync with `setConnection` (a sync that landed data
 * whose webhook never came).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalFivetranConnection {
  id: string;
  groupId?: string;
  service?: string;
  schema?: string;
  paused?: boolean;
  syncFrequencyMinutes?: number;
  succeededAt?: string;
  failedAt?: string;
}

export class LocalFivetranApi {
  private readonly connections = new Map<string, LocalFivetranConnection>();
  private server: http.Server | undefined;
  url = '';
  /** Requests served (tests check the reconciler asked). */
  requests = 0;

  constructor(private readonly credentials: { apiKey: string; apiSecret: string } = { apiKey: 'local', apiSecret: 'local' }) {}

  setConnection(connection: LocalFivetranConnection): void {
    this.connections.set(connection.id, { ...this.connections.get(connection.id), ...connection });
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.requests++;
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const expected = `Basic ${Buffer.from(`${this.credentials.apiKey}:${this.credentials.apiSecret}`).toString('base64')}`;
    if (request.headers.authorization !== expected) return send(401, { code: 'AuthFailed', message: 'Authentication failed: invalid API key or secret' });
    const match = /^\/v1\/(?:connections|connectors)\/([^/?]+)$/.exec(request.url ?? '');
    if (request.method !== 'GET' || !match) return send(404, { code: 'NotFound', message: 'Not found' });
    const id = decodeURIComponent(match[1]!);
    const connection = this.connections.get(id);
    if (!connection) return send(404, { code: 'NotFound_Connection', message: `Connection with id '${id}' doesn't exist` });
    send(200, {
      code: 'Success',
      data: {
        id: connection.id,
        group_id: connection.groupId ?? 'local_group',
        service: connection.service ?? 'postgres',
        schema: connection.schema ?? connection.id,
        paused: connection.paused ?? false,
        sync_frequency: connection.syncFrequencyMinutes ?? 360,
        succeeded_at: connection.succeededAt ?? null,
        failed_at: connection.failedAt ?? null,
        status: { setup_state: 'connected', sync_state: 'scheduled', update_state: 'on_schedule', is_historical_sync: false, tasks: [], warnings: [] },
      },
    });
  }
}
