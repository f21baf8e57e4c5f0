import * as z from 'zod';
import { FivetranPayloadError } from '../errors';

export { FivetranPayloadError } from '../errors';

/**
 * The `data` object of a Fivetran webhook. On `sync_end` it carries `status` (`SUCCESSFUL`, `FAILURE_WITH_TASK`,
 * `FAILED`, … any string: treat anything but `SUCCESSFUL` as a failure) and, on failures, `reason` and `taskType`.
 */
export const FivetranWebhookDataSchema = z.looseObject({
  status: z.string().optional(),
  reason: z.string().optional(),
  taskType: z.string().optional(),
});

/**
 * A Fivetran webhook body. Accepts the real variants: `destination_group_id` (current) or `group_id` (legacy
 * and the test payload); `test_event` without `sync_id`; unknown extra fields (kept as they are).
 * `sync_end` must carry `sync_id`, a group id and `data.status`, since a sync's outcome is read from them.
 */
export const FivetranWebhookSchema = z
  .looseObject({
    event: z.string().min(1),
    /** ISO timestamp of the event (the test payload sends the literal text "timestamp"). */
    created: z.string(),
    connector_type: z.string().optional(),
    connector_id: z.string().min(1),
    connector_name: z.string().optional(),
    sync_id: z.string().min(1).optional(),
    destination_group_id: z.string().min(1).optional(),
    group_id: z.string().min(1).optional(),
    data: FivetranWebhookDataSchema.optional(),
  })
  .superRefine((payload, context) => {
    if (payload.event !== 'sync_end') return;
    const required = (path: PropertyKey[], what: string) =>
      context.addIssue({ code: 'custom', path, message: `${what} is required on sync_end events` });
    if (payload.sync_id === undefined) required(['sync_id'], 'sync_id');
    if (payload.destination_group_id === undefined && payload.group_id === undefined) {
      required(['destination_group_id'], 'destination_group_id (or legacy group_id)');
    }
    if (payload.data?.status === undefined) required(['data', 'status'], 'data.status');
  });

export type FivetranWebhook = z.infer<typeof FivetranWebhookSchema>;

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
  return result.data;
}

/** `['data', 'status']` → `data.status`; the whole body is `(body)`. */
function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}
