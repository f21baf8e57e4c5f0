/**
 * "2xx ⇒ delivered": whatever the Fivetran webhook accepts becomes an event the deployed rules deliver and their
 * targets accept — the real webhook core, the real EventBridge client, the local bus with the rule files from
 * `events/rules/`, and targets that parse exactly as the production ones do (PlanRun's `parseRunInput`, the
 * loader-failed alert's `LoaderFailedEventSchema` + composition). Payloads are generated from Fivetran's documented
 * shapes (fast-check), including the variants that used to be accepted and then dropped.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeLoaderFailureAlert } from '../../src/alerts';
import { LoaderFailedEventSchema } from '../../src/events/arrival';
import { signFivetranBody } from '../../src/events/fivetran/signature';
import { type DeliveryRecord, LocalEventBus } from '../../src/local/aws/event-bus';
import { type LocalCloud, startLocalCloud } from '../../src/local/aws/local-cloud';
import { HttpError } from '../../src/runtime/lambda/middleware';
import { receiveFivetranWebhook, type WebhookOutcome } from '../../src/runtime/receive-fivetran-webhook';
import { parseRunInput } from '../../src/runtime/run-input';

const SECRET = 'contract-secret';
const rule = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'events', 'rules', file), 'utf8'));

let cloud: LocalCloud;
let bus: LocalEventBus;
let eventBridge: EventBridgeClient;
const deliveries: DeliveryRecord[] = [];

beforeAll(async () => {
  bus = new LocalEventBus({ stateDir: fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-contract-')), onDelivery: (record) => deliveries.push(record) });
  bus.addRule('data-arrived', rule('data-arrived.json'), async (event) => {
    parseRunInput(event);
  });
  bus.addRule('loader-failed', rule('loader-failed.json'), async (event) => {
    const { detail } = LoaderFailedEventSchema.parse(event);
    if (detail.loader === 'fivetran') composeLoaderFailureAlert({ loader: 'fivetran', connectorId: detail.connector.connectorId, status: detail.status, reason: detail.reason, at: detail.failedAt });
  });
  cloud = await startLocalCloud({ eventBus: bus });
  eventBridge = new EventBridgeClient({ endpoint: cloud.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  await bus.whenIdle();
  await cloud.close();
});

type Answer = { kind: '2xx'; outcome: WebhookOutcome } | { kind: 'refused'; statusCode: number; message: string };

async function deliver(payload: unknown): Promise<Answer> {
  const rawBody = Buffer.from(JSON.stringify(payload));
  try {
    const outcome = await receiveFivetranWebhook(
      { rawBody, headers: { 'x-fivetran-signature-256': signFivetranBody(rawBody, SECRET) } },
      { eventBridge, eventBusName: 'default', secret: { current: async () => SECRET, reread: async () => undefined } },
    );
    return { kind: '2xx', outcome };
  } catch (error) {
    if (error instanceof HttpError) return { kind: 'refused', statusCode: error.statusCode, message: error.message };
    throw error;
  }
}

/** What happened on the bus to the event the webhook put there. */
async function fateOf(eventId: string): Promise<DeliveryRecord[]> {
  await bus.whenIdle();
  return deliveries.filter((record) => record.eventId === eventId);
}

const isoDate = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true });
/** `created` as Fivetran and hand-written senders write it: with Z, with an offset, without a zone, without milliseconds. */
const created = fc.tuple(isoDate, fc.constantFrom('Z', '+02:00', '-05:30', '', 'no-ms')).map(([date, zone]) => {
  const iso = date.toISOString();
  if (zone === 'Z') return iso;
  if (zone === 'no-ms') return iso.replace(/\.\d{3}Z$/, 'Z');
  return iso.replace(/Z$/, zone);
});
const id = fc.string({ minLength: 1, maxLength: 40 });
const optionalId = fc.option(fc.oneof(id, fc.constant('')), { nil: undefined });
const status = fc.constantFrom('SUCCESSFUL', 'FAILURE', 'FAILURE_WITH_TASK', 'RESCHEDULED', 'CANCELED', 'FAILED');

const syncEnd = fc.record(
  {
    event: fc.constant('sync_end'),
    created,
    connector_type: fc.constantFrom('postgres_rds', 'google_sheets', 'salesforce'),
    connector_id: id,
    connector_name: optionalId,
    sync_id: optionalId,
    destination_group_id: optionalId,
    group_id: optionalId,
    data: fc.record({ status, reason: fc.option(fc.string(), { nil: undefined }), taskType: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['status'] }),
    extra: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
  },
  { requiredKeys: ['event', 'created', 'connector_id', 'data'] },
);
/** Every other event type a webhook subscription can receive, account-level ones without connector_id. */
const otherEvent = fc.record(
  {
    event: fc.oneof(fc.constantFrom('sync_start', 'test_event', 'status', 'dbt_run_start', 'dbt_run_succeeded', 'dbt_run_failed', 'create_connector', 'pause_connector', 'connection_failure'), id),
    created: fc.oneof(created, fc.constant('timestamp')),
    connector_id: fc.option(id, { nil: undefined }),
    destination_group_id: optionalId,
    data: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
  },
  { requiredKeys: ['event', 'created'] },
).filter((payload) => payload.event !== 'sync_end');

describe('Fivetran webhook → bus → rules: one contract', () => {
  it('accepts every valid sync_end (but RESCHEDULED) and each accepted one is delivered to a target that accepts it', async () => {
    await fc.assert(
      fc.asyncProperty(syncEnd, async (payload) => {
        const answer = await deliver(payload);
        if (answer.kind !== '2xx') throw new Error(`valid sync_end refused with ${answer.statusCode}: ${answer.message}`);
        if (payload.data.status === 'RESCHEDULED') {
          expect(answer.outcome.status).toBe('ignored');
          return;
        }
        if (answer.outcome.status !== 'accepted') throw new Error(`sync_end ${payload.data.status} not accepted: ${JSON.stringify(answer.outcome)}`);
        const fate = await fateOf(answer.outcome.eventId);
        expect(fate.map((record) => [record.rule, record.outcome, record.error])).toEqual([
          [payload.data.status === 'SUCCESSFUL' ? 'data-arrived' : 'loader-failed', 'delivered', undefined],
        ]);
      }),
      { numRuns: 150 },
    );
  });

  it('acknowledges (2xx) every other event type, account-level ones included, and puts nothing on the bus', async () => {
    await fc.assert(
      fc.asyncProperty(otherEvent, async (payload) => {
        const before = deliveries.length;
        const answer = await deliver(payload);
        expect(answer).toMatchObject({ kind: '2xx', outcome: { status: 'ignored', eventType: payload.event } });
        await bus.whenIdle();
        expect(deliveries.length).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it('never answers 2xx to an arbitrary JSON body unless the event was delivered; otherwise 400, never 5xx', async () => {
    const anyBody = fc.oneof(fc.jsonValue(), fc.record({ event: fc.constant('sync_end'), created: fc.oneof(fc.string(), created), connector_id: fc.jsonValue(), sync_id: fc.jsonValue(), data: fc.jsonValue() }, { requiredKeys: ['event'] }));
    await fc.assert(
      fc.asyncProperty(anyBody, async (payload) => {
        const answer = await deliver(payload);
        if (answer.kind === 'refused') {
          expect(answer.statusCode).toBe(400);
          return;
        }
        if (answer.outcome.status === 'ignored') return;
        const fate = await fateOf(answer.outcome.eventId);
        expect(fate.map((record) => record.outcome)).toEqual(['delivered']);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a sync_end whose created is not a date, naming the webhook field', async () => {
    const answer = await deliver({ event: 'sync_end', created: 'yesterday', connector_id: 'c', sync_id: 's', data: { status: 'SUCCESSFUL' } });
    expect(answer).toMatchObject({ kind: 'refused', statusCode: 400, message: expect.stringContaining('created: ') });
  });

  it('deduplicates a sync_end without sync_id on connector + created: a retry has the same arrival id', async () => {
    const payload = { event: 'sync_end', created: '2026-12-05T06:00:00.000Z', connector_id: 'wetransfer_app_db', data: { status: 'SUCCESSFUL' } };
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const answer = await deliver(payload);
      if (answer.kind !== '2xx' || answer.outcome.status !== 'accepted') throw new Error('not accepted');
      const [record] = await fateOf(answer.outcome.eventId);
      ids.push((record!.event.detail as { arrivalId: string }).arrivalId);
    }
    expect(ids).toEqual(['fivetran:wetransfer_app_db@2026-12-05T06:00:00.000Z', 'fivetran:wetransfer_app_db@2026-12-05T06:00:00.000Z']);
  });
});
