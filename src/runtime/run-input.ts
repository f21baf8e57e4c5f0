/**
 * What a transform execution is started with. Either the `Data Arrived` event a rule delivers, or a
 * hand-written request (from the console, `landfall replay`, a schedule). The input is self-contained:
 * starting it again replays the same work.
 */
// zod/mini (English messages are configured by events/arrival.ts): classic zod would add ~70 KiB to PlanRun.
import * as z from 'zod/mini';
import { DataArrivedEventSchema, S3ConnectorSchema, type DataArrivedEvent } from '../events/arrival';

export const ManualRunSchema = z.strictObject({
  command: z._default(z.enum(['build', 'run', 'test', 'seed']), 'build'),
  select: z._default(z.array(z.string().check(z.minLength(1))), []),
  exclude: z._default(z.array(z.string().check(z.minLength(1))), []),
  fullRefresh: z._default(z.boolean(), false),
  vars: z._default(z.record(z.string(), z.unknown()), {}),
  /** Why the run was started, shown in alerts. */
  reason: z.optional(z.string().check(z.maxLength(500))),
  /**
   * Landed S3 objects to COPY into their routed source tables first (a coalesced window of S3 arrivals). The load
   * ledger skips objects already loaded, so replaying this input loads nothing twice.
   */
  loads: z._default(z.array(z.strictObject((({ bucket, key, etag, versionId, size }) => ({ bucket, key, etag, versionId, size }))(S3ConnectorSchema.shape))).check(z.maxLength(2000)), []),
  /**
   * The arrivals a coalesced run covers (src/freshness-lag/covered-arrivals.ts): when each landed and what it
   * selected, so the run history can record each one's freshness lag. Metadata only: `select` decides what is built.
   */
  arrivals: z.optional(z.array(z.strictObject({
    id: z.string().check(z.minLength(1), z.maxLength(1100)),
    loader: z.enum(['fivetran', 'dms', 's3']),
    landedAt: z.string().check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d/, 'an ISO 8601 time')),
    connector: z.optional(z.string().check(z.maxLength(1100))),
    select: z.array(z.string().check(z.minLength(1))),
  })).check(z.maxLength(1000))), // MAX_COVERED_ARRIVALS
});
export type ManualRun = z.infer<typeof ManualRunSchema>;

export type RunInput = { kind: 'arrival'; event: DataArrivedEvent } | { kind: 'manual'; request: ManualRun };

export class InvalidRunInputError extends Error {
  constructor(readonly issues: string[]) {
    super(`The execution input is neither a 'Data Arrived' event nor a run request: ${issues.join('; ')}`);
    this.name = 'InvalidRunInputError';
  }
}

/**
 * @example
 * parseRunInput({ select: ['fct_transfers+'], fullRefresh: true }) // { kind: 'manual', request: {...} }
 */
export function parseRunInput(input: unknown): RunInput {
  const looksLikeEvent = typeof input === 'object' && input !== null && 'detail-type' in input;
  if (looksLikeEvent) {
    const event = DataArrivedEventSchema.safeParse(input);
    if (event.success) return { kind: 'arrival', event: event.data };
    throw new InvalidRunInputError(event.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`));
  }
  const manual = ManualRunSchema.safeParse(input ?? {});
  if (manual.success) return { kind: 'manual', request: manual.data };
  throw new InvalidRunInputError(manual.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`));
}

/**
 * The S3 objects an execution input asks to load: the object of an S3 `Data Arrived` event, or a request's `loads`.
 *
 * @example
 * objectsToLoad(parseRunInput(event)) // [{ bucket: 'landfall-landing', key: 'firehose/…', etag: '…' }]
 */
export function objectsToLoad(input: RunInput): { bucket: string; key: string; etag?: string; versionId?: string; size?: number }[] {
  if (input.kind === 'manual') return input.request.loads;
  const detail = input.event.detail;
  if (detail.loader !== 's3') return [];
  const { bucket, key, etag, versionId, size } = detail.connector;
  return [{ bucket, key, ...(etag !== undefined && { etag }), ...(versionId !== undefined && { versionId }), ...(size !== undefined && { size }) }];
}
