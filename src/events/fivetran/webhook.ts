import * as z from 'zod';
import { FivetranPayloadError } from '../errors';

export { FivetranPayloadError } from '../errors';

/**
 * The `data` object of a Fivetran webhook. On `sync_end` it carries `status` (`SUCCESSFUL`, `FAILURE`,
 * `FAILURE_WITH_TASK`, `RESCHEDULED`, … any string; see classify.ts) and, on failures, `reason` and `taskType`.
 */
export const FivetranWebhookDataSchema = z.looseObject({
  status: z.string().optional(),
  reason: z.string().optional(),
  taskType: z.string().optional(),
});

/** `2026-11-27T01:00:08.638` — an ISO date-time without a zone. Fivetran's times are UTC. */
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

/**
 * A Fivetran webhook body, taken as Fivetran sends it. Accepts the real variants: `destination_group_id` (current)
 * or `group_id` (legacy and the test payload); no `sync_id` (test deliveries); no `connector_id` (account-level
 * events such as `dbt_run_*`); unknown extra fields (kept). Normalized on the way in, never refused for it: a
 * `created` without a zone is UTC (`Z` added), an empty `connector_name` or `sync_id` is absent.
 * `sync_end` must name its connector and carry `data.status`, since what landed, and whether, is read from them;
 * everything else a sync_end must satisfy is the bus's own schema (`busContractIssues` in ../arrival.ts).
 */
export const FivetranWebhookSchema = z
  .looseObject({
    event: z.string().min(1),
    /** ISO timestamp of the event (the test payload sends the literal text "timestamp"). */
    created: z.string().transform((created) => (ISO_WITHOUT_OFFSET.test(created) ? `${created}Z` : created)),
    connector_type: z.string().optional(),
    connector_id: z.string().min(1).optional(),
    connector_name: emptyIsAbsent(),
    sync_id: emptyIsAbsent(),
    destination_group_id: emptyIsAbsent(),
    group_id: emptyIsAbsent(),
    data: FivetranWebhookDataSchema.optional(),
  })
  .superRefine((payload, context) => {
    if (payload.event !== 'sync_end') return;
    const required = (path: PropertyKey[], what: string) =>
      context.addIssue({ code: 'custom', path, message: `${what} is required on sync_end events` });
    if (payload.connector_id === undefined) required(['connector_id'], 'connector_id');
    if (payload.data?.status === undefined) required(['data', 'status'], 'data.status');
  });

function emptyIsAbsent() {
  return z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));
}

/** A parsed webhook: empty optional ids are absent, `created` carries a zone when it is a date-time; extra fields kept. */
export interface FivetranWebhook {
  [field: string]: unknown;
  event: string;
  created: string;
  connector_type?: string;
  connector_id?: string;
  connector_name?: string;
  sync_id?: string;
  destination_group_id?: string;
  group_id?: string;
  data?: z.output<typeof FivetranWebhookDataSchema>;
}

/**
 * Parses a raw Fivetran webhook body (verify its signature first).
 *
 * @throws FivetranPayloadError with `kind: 'json-syntax'` when the body is not JSON, or `kind: 'shape'` with
 * one `path: message` entry per problem when it is JSON of the wrong shape.
 * @example
 * const payload = parseFivetranWebhook(event.body);
 * const outcome = classifyFivetranEvent(payload);
 */
export function parseFivetranWebhook(rawBody: Buffer | string): FivetranWebhook {
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new FivetranPayloadError('json-syntax', `Fivetran webhook body is not valid JSON: ${detail}`, [], { cause: error });
  }
  const result = FivetranWebhookSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
    throw new FivetranPayloadError('shape', `Fivetran webhook payload has the wrong shape: ${issues.join('; ')}`, issues, {
      cause: result.error,
    });
  }
  return result.data as FivetranWebhook;
}

/** `['data', 'status']` → `data.status`; the whole body is `(body)`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}
