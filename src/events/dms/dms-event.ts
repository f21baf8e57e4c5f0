/**
 * AWS DMS events as EventBridge delivers them (source `aws.dms`). Two detail shapes exist for the
 * same events: the one AWS documents (`eventName`, `type: "ReplicationTask"`, `resourceLink`) and the one
 * real events have (`eventId`, `eventType`, `type: "REPLICATION_TASK"`). Every detail field is optional
 * here, so both parse; {@link classifyDmsEvent} reads whichever is present.
 */
import * as z from 'zod';
import { AwsEventShapeError } from '../errors';

export const DMS_EVENT_SOURCE = 'aws.dms';
/** Provisioned (and Serverless) replication task events. */
export const DMS_TASK_STATE_CHANGE = 'DMS Replication Task State Change';
/** DMS Serverless replication-config events; failures arrive only here (`REPLICATION_FAILED`). */
export const DMS_REPLICATION_STATE_CHANGE = 'DMS Replication State Change';

export const DmsEventDetailSchema = z.looseObject({
  eventId: z.string().optional(),
  /** The documented shape's name for `eventId`. */
  eventName: z.string().optional(),
  eventType: z.string().optional(),
  detailMessage: z.string().optional(),
  type: z.string().optional(),
  category: z.string().optional(),
});

export const DmsEventSchema = z.looseObject({
  id: z.string().min(1),
  source: z.literal(DMS_EVENT_SOURCE),
  'detail-type': z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  /** `resources[0]` is the task ARN (or the Serverless replication-config ARN); `detail` carries none. */
  resources: z.array(z.string()).min(1),
  detail: DmsEventDetailSchema,
});
export type DmsEvent = z.infer<typeof DmsEventSchema>;

/**
 * Validates an EventBridge envelope from DMS.
 *
 * @throws AwsEventShapeError when it is not a DMS event or lacks the resource ARN.
 * @example
 * const event = parseDmsEvent(JSON.parse(fs.readFileSync('events/samples/dms/task-stopped-full-load-finished.json', 'utf8')));
 * event.resources[0]; // 'arn:aws:dms:eu-west-1:123456789012:task:…'
 */
export function parseDmsEvent(input: unknown): DmsEvent {
  const parsed = DmsEventSchema.safeParse(input);
  if (!parsed.success) {
    throw new AwsEventShapeError(DMS_EVENT_SOURCE, parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`));
  }
  return parsed.data;
}
