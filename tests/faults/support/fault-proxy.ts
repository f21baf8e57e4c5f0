/**
 * A fault-injecting HTTP proxy in front of a local AWS endpoint (tests only). The production code's SDK clients
 * are pointed at it through the standard `AWS_ENDPOINT_URL_*` variables; it forwards every request untouched,
 * except those a test rule matches, which it answers itself (an AWS error in the service's wire format, a
 * partial failure) or rewrites before forwarding. Nothing in src/ knows it exists.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  /** `X-Amz-Target` (JSON protocols), e.g. `RedshiftData.ExecuteStatement`; or the Query `Action`. */
  operation: string;
  method: string;
  path: string;
  body: string;
}

export interface FaultRule {
  /** Which requests this rule applies to. */
  matches: (request: ProxiedRequest) => boolean;
  /** How many matching requests it affects (then it is removed)… */
  times: number;
  /** …after letting this many through untouched. */
  skip?: number;
  /** Answer instead of the endpoint… */
  respond?: (request: ProxiedRequest) => { status: number; headers?: Record<string, string>; body: string };
  /** …or forward a changed body. */
  rewrite?: (request: ProxiedRequest) => string;
  /** Forward (the request, or its rewrite), then answer with this change of the endpoint's answer body (e.g. a status the service would still report). */
  rewriteAnswer?: (request: ProxiedRequest, answer: string) => string;
}

export interface FaultProxy {
  url: string;
  add(rule: FaultRule): void;
  /** Requests a rule affected, by operation. */
  fired: string[];
  clear(): void;
  close(): Promise<void>;
}

function operationOf(headers: http.IncomingHttpHeaders, body: string): string {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') return target;
  return new URLSearchParams(body).get('Action') ?? '';
}

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const rules: FaultRule[] = [];
  const fired: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      // Bodies stay bytes (S3 objects are gzip); the text is only for matching and rewriting.
      let raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const proxied = { operation: operationOf(request.headers, body), method: request.method ?? 'GET', path: request.url ?? '/', body };
      const index = rules.findIndex((rule) => rule.matches(proxied));
      let rule = index < 0 ? undefined : rules[index]!;
      if (rule && (rule.skip ?? 0) > 0) {
        rule.skip! -= 1;
        rule = undefined;
      }
      if (rule) {
        rule.times -= 1;
        if (rule.times <= 0) rules.splice(index, 1);
        fired.push(proxied.operation);
        if (rule.respond) {
          const answer = rule.respond(proxied);
          response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', ...answer.headers });
          response.end(answer.body);
          return;
        }
        if (rule.rewrite) raw = Buffer.from(rule.rewrite(proxied), 'utf8');
      }
      const headers = { ...request.headers, host: upstream.host, 'content-length': String(raw.length) };
      const rewriteAnswer = rule?.rewriteAnswer;
      const forwarded = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers }, (answer) => {
        if (!rewriteAnswer) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        }
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const changed = Buffer.from(rewriteAnswer(proxied, Buffer.concat(parts).toString('utf8')), 'utf8');
          response.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(changed.length) });
          response.end(changed);
        });
      });
      forwarded.on('error', (error) => {
        response.writeHead(502);
        response.end(error.message);
      });
      forwarded.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    add: (rule) => rules.push({ ...rule }),
    fired,
    clear: () => {
      rules.length = 0;
      fired.length = 0;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** An AWS JSON-protocol error (Data API, EventBridge), as the SDK parses it into its exception class. */
export function awsJsonError(code: string, message: string, status = 400) {
  return { status, headers: { 'x-amzn-errortype': code }, body: JSON.stringify({ __type: code, message }) };
}

/** An S3 REST error. */
export function s3Error(code: string, message: string, status = 500) {
  return { status, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>` };
}

/** An AWS Query-protocol error (SNS). */
export function awsQueryError(code: string, message: string, status = 500) {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`,
  };
}
