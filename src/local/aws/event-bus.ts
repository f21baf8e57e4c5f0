/**
 * A local EventBridge event bus: PutEvents over AWS JSON 1.1 (`X-Amz-Target: AWSEvents.PutEvents`),
 * rules that match the full event envelope with the project's pattern matcher, and targets that are
 * local functions. Deliveries happen after PutEvents has answered, as on AWS, and are logged to
 * `<stateDir>/events/deliveries.jsonl` (one JSON object a line).
 *
 * Unlike AWS, sources starting with `aws.` are accepted, so S3/DMS events can be simulated, and a
 * failed target is logged, not retried. A rule standing in for one with SQS targets is given those targets'
 * configuration and refused, as EventBridge would fail its deliveries, when they are wrong (sqs-rule-target.ts).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PutEventsRequest, PutEventsRequestEntry, PutEventsResponse, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { type CompiledPattern, compilePattern } from '../../events/pattern-matcher';
import { ValidationError } from './errors';
import { assertSqsRuleTarget, type SqsRuleTarget } from './sqs-rule-target';

/** The envelope EventBridge delivers to targets. */
export interface EventBridgeEvent<Detail = unknown> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO-8601 to the second, e.g. `2026-11-27T02:10:00Z`. */
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

/** A rule target: a local function standing in for a Step Functions, Lambda or SQS target. */
export type RuleTarget = (event: EventBridgeEvent) => Promise<void>;

/** One line of the delivery log. */
export interface DeliveryRecord {
  at: string;
  eventId: string;
  /** The matching rule, or null when no rule matched the event. */
  rule: string | null;
  outcome: 'delivered' | 'failed' | 'unmatched';
  error?: string;
  event: EventBridgeEvent;
}

export interface LocalEventBusOptions {
  stateDir: string;
  /** Default `default`. Entries naming another bus (by name or ARN) fail. */
  eventBusName?: string;
  region?: string;
  accountId?: string;
  /** Called after each delivery attempt (and for unmatched events), e.g. for the CLI to print it. */
  onDelivery?: (record: DeliveryRecord) => void;
}

/** PutEvents accepts at most this many entries per call. */
export const MAX_ENTRIES_PER_PUT = 10;
/** Largest PutEvents request (sum of entry sizes), since January 2026. */
export const MAX_PUT_EVENTS_BYTES = 1024 * 1024;

interface Rule {
  name: string;
  pattern: CompiledPattern;
  target: RuleTarget;
}

/**
 * The local event bus.
 *
 * @example
 * const bus = new LocalEventBus({ stateDir: '.landfall' });
 * bus.addRule('start-transform', { source: ['landfall'], 'detail-type': ['Data Arrived'] }, async (event) => {
 *   await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(event) }));
 * });
 * // production code: new EventBridgeClient({}).send(new PutEventsCommand({ Entries: [...] }))
 * await bus.whenIdle();
 */
export class LocalEventBus {
  readonly eventBusName: string;
  readonly region: string;
  readonly accountId: string;
  private readonly rules = new Map<string, Rule>();
  private readonly pendingDeliveries = new Set<Promise<void>>();
  private readonly logFile: string;

  /** The API operations by name, as routed from `X-Amz-Target: AWSEvents.<name>`. */
  readonly operations: Record<string, (request: never) => Promise<unknown>> = {
    PutEvents: (request: PutEventsRequest) => this.putEvents(request),
  };

  constructor(private readonly options: LocalEventBusOptions) {
    this.eventBusName = options.eventBusName ?? 'default';
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.logFile = join(options.stateDir, 'events', 'deliveries.jsonl');
  }

  /** `arn:aws:events:<region>:<account>:event-bus/<name>` */
  get eventBusArn(): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${this.eventBusName}`;
  }

  /**
   * Adds (or replaces) a rule. The pattern is checked at once, and so is each deployed SQS target the local
   * function stands in for (`options.sqsTargets`, read from the deployment's template).
   *
   * @throws InvalidPatternError when the pattern is malformed.
   * @throws ValidationError when EventBridge could not deliver to one of the SQS targets.
   */
  addRule(name: string, pattern: unknown, target: RuleTarget, options: { sqsTargets?: SqsRuleTarget[] } = {}): void {
    for (const sqsTarget of options.sqsTargets ?? []) assertSqsRuleTarget(sqsTarget);
    this.rules.set(name, { name, pattern: compilePattern(pattern), target });
  }

  removeRule(name: string): void {
    this.rules.delete(name);
  }

  /**
   * Accepts up to 10 entries; each is validated on its own (a bad entry fails with an ErrorCode while
   * the others succeed, as on AWS). Matching rules' targets run after this returns.
   */
  async putEvents(request: PutEventsRequest): Promise<PutEventsResponse> {
    const entries = request.Entries ?? [];
    if (entries.length < 1 || entries.length > MAX_ENTRIES_PER_PUT) {
      throw new ValidationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES_PER_PUT} and greater than or equal to 1`,
      );
    }
    const totalSize = entries.reduce((sum, entry) => sum + putEventsEntrySize(entry), 0);
    if (totalSize > MAX_PUT_EVENTS_BYTES) {
      throw new ValidationError(`Total size of the entries in the request is over the limit (${totalSize} > ${MAX_PUT_EVENTS_BYTES} bytes).`);
    }

    const results = entries.map((entry) => this.acceptEntry(entry));
    return {
      FailedEntryCount: results.filter((result) => result.ErrorCode).length,
      Entries: results,
    };
  }

  /** Resolves when every delivery started so far has finished (including deliveries those started). */
  async whenIdle(): Promise<void> {
    while (this.pendingDeliveries.size > 0) await Promise.all([...this.pendingDeliveries]);
  }

  private acceptEntry(entry: PutEventsRequestEntry): PutEventsResultEntry {
    const problem = this.entryProblem(entry);
    if (problem) return problem;
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account: this.accountId,
      time: toEventTime(entryTime(entry.Time)),
      region: this.region,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail!),
    };
    const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliver(event));
    this.pendingDeliveries.add(delivery);
    void delivery.finally(() => this.pendingDeliveries.delete(delivery));
    return { EventId: event.id };
  }

  private entryProblem(entry: PutEventsRequestEntry): PutEventsResultEntry | undefined {
    const busName = entry.EventBusName ?? 'default';
    if (busName !== this.eventBusName && busName !== this.eventBusArn) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    for (const [field, value] of [['Source', entry.Source], ['DetailType', entry.DetailType], ['Detail', entry.Detail]] as const) {
      if (!value) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.` };
      }
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail!);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    return undefined;
  }

  private async deliver(event: EventBridgeEvent): Promise<void> {
    const matching = [...this.rules.values()].filter((rule) => rule.pattern.matches(event));
    if (matching.length === 0) {
      this.log({ at: new Date().toISOString(), eventId: event.id, rule: null, outcome: 'unmatched', event });
      return;
    }
    await Promise.all(
      matching.map(async (rule) => {
        try {
          await rule.target(structuredClone(event));
          this.log({ at: new Date().toISOString(), eventId: event.id, rule: rule.name, outcome: 'delivered', event });
        } catch (error) {
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          this.log({ at: new Date().toISOString(), eventId: event.id, rule: rule.name, outcome: 'failed', error: message, event });
        }
      }),
    );
  }

  private log(record: DeliveryRecord): void {
    mkdirSync(join(this.options.stateDir, 'events'), { recursive: true });
    appendFileSync(this.logFile, `${JSON.stringify(record)}\n`);
    this.options.onDelivery?.(record);
  }
}

/** EventBridge's entry size: 14 bytes for Time when set, plus the UTF-8 bytes of Source, DetailType, Detail and each resource. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time ? 14 : 0;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) size += Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/** An entry's Time: a Date in-process, epoch seconds on the JSON wire; now when absent. */
function entryTime(time: Date | number | string | undefined): Date {
  if (time === undefined) return new Date();
  if (typeof time === 'number') return new Date(time * 1000);
  return new Date(time);
}

/** `2026-11-27T02:10:00Z`: EventBridge's event time, to the second. */
function toEventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
