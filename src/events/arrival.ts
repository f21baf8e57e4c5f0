/**
 * The events landfall puts on its own EventBridge bus once a loader has landed data (`Data Arrived`) or
 * failed to (`Loader Failed`). Every loader — Fivetran today, DMS and S3/Firehose next — produces the same
 * detail shape, told apart by `loader`; `connector` holds that loader's own identifiers. Which dbt sources
 * an arrival feeds is decided later, from the sources' `meta.landfall` (e.g. `{fivetran: {connector_id: …}}`),
 * so these events carry identifiers only.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
// zod/mini: the same checks and messages as zod's classic API, without its methods, JSON Schema and locales
// (~30 KiB less in every function that parses arrivals); English messages are loaded below.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import type { FivetranArrival, FivetranClassification, FivetranFailure } from './fivetran/classify';

z.config(en());

/** `source` of every event landfall emits. */
export const LANDFALL_EVENT_SOURCE = 'landfall';
/** `detail-type` of an arrival; the rule in `events/rules/data-arrived.json` starts the transform state machine on it. */
export const DATA_ARRIVED_DETAIL_TYPE = 'Data Arrived';
/** `detail-type` of a loader failure; see `events/rules/loader-failed.json`. */
export const LOADER_FAILED_DETAIL_TYPE = 'Loader Failed';

/** Identifies a Fivetran connector and the sync that landed (or failed to land) its data. */
export const FivetranConnectorSchema = z.object({
  connectorId: z.string().check(z.minLength(1)),
  /** Fivetran destination group (`destination_group_id`, or legacy `group_id`); account-level test deliveries may lack it. */
  groupId: z.optional(z.string().check(z.minLength(1))),
  /** Absent on Fivetran's test deliveries of `sync_end`: the arrival is then deduplicated on connector + `created`. */
  syncId: z.optional(z.string().check(z.minLength(1))),
  connectorName: z.optional(z.string().check(z.minLength(1))),
});

/** Identifies a DMS replication task (ARN from the event's `resources[0]`) or a Serverless replication config. */
export const DmsConnectorSchema = z.object({
  /** `resources[0]`: a task ARN (`…:task:<resource id>`) or a DMS Serverless replication config ARN (`…:replication-config:<id>`). */
  taskArn: z.string().check(z.startsWith('arn:')),
  /** DMS event id, e.g. `DMS-EVENT-0079` (stopped). */
  eventId: z.optional(z.string().check(z.minLength(1))),
  /** The task identifier shown in the console (`ReplicationTaskIdentifier`), resolved by the forwarder with DescribeReplicationTasks. */
  taskIdentifier: z.optional(z.string().check(z.minLength(1))),
});

/** Identifies an object delivered to S3 (by Firehose or any other writer) and later copied into the warehouse. */
export const S3ConnectorSchema = z.object({
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  /** Firehose delivery stream name, when the key follows Firehose's naming. */
  deliveryStream: z.optional(z.string().check(z.minLength(1))),
  /** Content identity for the load ledger: re-delivery of the same version loads nothing twice. */
  etag: z.optional(z.string().check(z.minLength(1))),
  versionId: z.optional(z.string().check(z.minLength(1))),
  size: z.optional(z.int().check(z.nonnegative())),
});

const isoTimestamp = z.iso.datetime({ offset: true });
/** Dedupe key, unique per load: `fivetran:<sync_id>` (or `fivetran:<connector>@<created>`), `dms:<task arn>:<event time>`, `s3:<bucket>/<key>`. */
const dedupeKey = z.string().check(z.minLength(1));

/** `detail` of a `Data Arrived` event. */
export const DataArrivedDetailSchema = z.discriminatedUnion('loader', [
  z.object({ loader: z.literal('fivetran'), arrivalId: dedupeKey, arrivedAt: isoTimestamp, connector: FivetranConnectorSchema }),
  z.object({ loader: z.literal('dms'), arrivalId: dedupeKey, arrivedAt: isoTimestamp, connector: DmsConnectorSchema }),
  z.object({ loader: z.literal('s3'), arrivalId: dedupeKey, arrivedAt: isoTimestamp, connector: S3ConnectorSchema }),
]);
export type DataArrivedDetail = z.infer<typeof DataArrivedDetailSchema>;

const failureFields = {
  failureId: dedupeKey,
  failedAt: isoTimestamp,
  /** The loader's own status word, e.g. Fivetran `FAILURE_WITH_TASK` or DMS `REPLICATION_TASK_FAILED`. */
  status: z.string().check(z.minLength(1)),
  reason: z.optional(z.string()),
  /** Fivetran's `taskType` (what the user must fix), when given. */
  taskType: z.optional(z.string()),
};

/** `detail` of a `Loader Failed` event. */
export const LoaderFailedDetailSchema = z.discriminatedUnion('loader', [
  z.object({ loader: z.literal('fivetran'), connector: FivetranConnectorSchema, ...failureFields }),
  z.object({ loader: z.literal('dms'), connector: DmsConnectorSchema, ...failureFields }),
  z.object({ loader: z.literal('s3'), connector: S3ConnectorSchema, ...failureFields }),
]);
export type LoaderFailedDetail = z.infer<typeof LoaderFailedDetailSchema>;

/** A `Data Arrived` event as a rule target receives it (the EventBridge envelope; extra envelope fields allowed). */
export const DataArrivedEventSchema = z.looseObject({
  source: z.literal(LANDFALL_EVENT_SOURCE),
  'detail-type': z.literal(DATA_ARRIVED_DETAIL_TYPE),
  detail: DataArrivedDetailSchema,
});
export type DataArrivedEvent = z.infer<typeof DataArrivedEventSchema>;

/** A `Loader Failed` event as a rule target receives it. */
export const LoaderFailedEventSchema = z.looseObject({
  source: z.literal(LANDFALL_EVENT_SOURCE),
  'detail-type': z.literal(LOADER_FAILED_DETAIL_TYPE),
  detail: LoaderFailedDetailSchema,
});
export type LoaderFailedEvent = z.infer<typeof LoaderFailedEventSchema>;

/** An event landfall is about to put on its bus. */
export type LandfallEvent =
  | { source: typeof LANDFALL_EVENT_SOURCE; detailType: typeof DATA_ARRIVED_DETAIL_TYPE; detail: DataArrivedDetail }
  | { source: typeof LANDFALL_EVENT_SOURCE; detailType: typeof LOADER_FAILED_DETAIL_TYPE; detail: LoaderFailedDetail };

/**
 * The `Data Arrived` event for a successful Fivetran sync.
 *
 * @example
 * dataArrivedFromFivetran({ kind: 'arrival', connectorId: 'wetransfer_app_db', groupId: 'landfall_warehouse',
 *   syncId: 'b4703f73-…', syncedAt: '2026-11-27T01:00:08.638Z' });
 * // { source: 'landfall', detailType: 'Data Arrived',
 * //   detail: { loader: 'fivetran', arrivalId: 'fivetran:b4703f73-…', arrivedAt: '2026-11-27T01:00:08.638Z', connector: {…} } }
 */
export function dataArrivedFromFivetran(arrival: FivetranArrival): LandfallEvent {
  return {
    source: LANDFALL_EVENT_SOURCE,
    detailType: DATA_ARRIVED_DETAIL_TYPE,
    detail: {
      loader: 'fivetran',
      arrivalId: fivetranDedupeKey(arrival),
      arrivedAt: arrival.syncedAt,
      connector: fivetranConnector(arrival),
    },
  };
}

/**
 * The `Loader Failed` event for a Fivetran sync that ended with a status other than `SUCCESSFUL`.
 *
 * @example
 * loaderFailedFromFivetran({ kind: 'failure', connectorId: 'wetransfer_app_db', groupId: 'landfall_warehouse',
 *   syncId: '…', status: 'FAILURE_WITH_TASK', reason: '…', failedAt: '2026-11-27T01:00:08.638Z' });
 * // { source: 'landfall', detailType: 'Loader Failed', detail: { loader: 'fivetran', failureId: 'fivetran:…', status: 'FAILURE_WITH_TASK', … } }
 */
export function loaderFailedFromFivetran(failure: FivetranFailure): LandfallEvent {
  return {
    source: LANDFALL_EVENT_SOURCE,
    detailType: LOADER_FAILED_DETAIL_TYPE,
    detail: {
      loader: 'fivetran',
      failureId: fivetranDedupeKey(failure),
      failedAt: failure.failedAt,
      connector: fivetranConnector(failure),
      status: failure.status,
      ...(failure.reason !== undefined && { reason: failure.reason }),
      ...(failure.taskType !== undefined && { taskType: failure.taskType }),
    },
  };
}

/**
 * The event to emit for a classified Fivetran webhook, or `undefined` when it is ignored (test events, sync starts…).
 *
 * @example
 * const event = landfallEventFromFivetran(classifyFivetranEvent(parseFivetranWebhook(body)));
 * if (event) await eventBridge.send(new PutEventsCommand({ Entries: [toPutEventsEntry(event, busName)] }));
 */
export function landfallEventFromFivetran(classification: FivetranClassification): LandfallEvent | undefined {
  switch (classification.kind) {
    case 'arrival':
      return dataArrivedFromFivetran(classification);
    case 'failure':
      return loaderFailedFromFivetran(classification);
    case 'ignored':
      return undefined;
  }
}

/**
 * The PutEvents entry for a landfall event (`Detail` is JSON text, as PutEvents wants).
 *
 * @example
 * new PutEventsCommand({ Entries: [toPutEventsEntry(event, 'landfall')] });
 */
export function toPutEventsEntry(event: LandfallEvent, eventBusName: string): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
  };
}

/**
 * `fivetran:<sync_id>`: Fivetran's retries of one delivery reuse it. Without a sync id (Fivetran's test deliveries of
 * `sync_end`), `fivetran:<connector_id>@<created>`: a retry repeats both, a later sync changes `created`.
 */
export function fivetranDedupeKey(sync: { connectorId: string; syncId?: string; syncedAt?: string; failedAt?: string }): string {
  return sync.syncId !== undefined ? `fivetran:${sync.syncId}` : `fivetran:${sync.connectorId}@${sync.syncedAt ?? sync.failedAt ?? ''}`;
}

/**
 * The contract of the bus, checked before an event is put on it: the event exactly as a rule target will receive it
 * (detail through JSON, as PutEvents carries it) against the schema every target parses with
 * ({@link DataArrivedEventSchema} / {@link LoaderFailedEventSchema}). A producer that gets `[]` back has an event no
 * target will refuse; anything else is one `path: message` per problem, `path` in the detail (`connector.syncId`).
 *
 * @example
 * busContractIssues(event); // [] — or ['arrivedAt: Invalid ISO datetime']
 */
export function busContractIssues(event: LandfallEvent): string[] {
  const delivered = { source: event.source, 'detail-type': event.detailType, detail: JSON.parse(JSON.stringify(event.detail)) as unknown };
  const schema = event.detailType === DATA_ARRIVED_DETAIL_TYPE ? DataArrivedEventSchema : LoaderFailedEventSchema;
  const result = schema.safeParse(delivered);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.slice(1).map(String).join('.') || '(detail)'}: ${issue.message}`);
}

function fivetranConnector(sync: FivetranArrival | FivetranFailure): z.infer<typeof FivetranConnectorSchema> {
  return {
    connectorId: sync.connectorId,
    ...(sync.groupId !== undefined && { groupId: sync.groupId }),
    ...(sync.syncId !== undefined && { syncId: sync.syncId }),
    ...(sync.connectorName !== undefined && { connectorName: sync.connectorName }),
  };
}
