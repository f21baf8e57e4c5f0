/**
 * Incidents, not messages: what the alerting remembers between runs. A failing test, model, load, source
 * freshness or loader is an incident from its first failure until it passes again; the email goes out on the
 * state changes (opened, resolved) and as one reminder per interval listing everything still open.
 */

/** What an incident is about. */
export type IncidentKind = 'model' | 'test' | 'load' | 'freshness' | 'loader' | 'run';
export type IncidentSeverity = 'error' | 'warn';

/** One thing a run (or a freshness check, or a loader event) saw: failing or passing. */
export interface Observation {
  /** Stable identity across runs, e.g. `test:test.demo.not_null_orders_id`, `freshness:source.demo.app.users`. */
  key: string;
  kind: IncidentKind;
  /** What a person reads: `not_null_orders_id`, `app.users`, `fivetran ftar_pg`. */
  name: string;
  failing: boolean;
  /** Severity of the failure (a passing observation's is ignored). */
  severity: IncidentSeverity;
  /** One line: `3 failing rows`, `last loaded 30 h ago (error after 12 hours)`. */
  detail?: string;
  /** Routing: owners (meta.owner, meta.alert_emails) and tags, sent as SNS message attributes. */
  owners: string[];
  tags: string[];
  /** `meta.alerts: false`: tracked, never emailed. */
  muted?: boolean;
  /** Hours after a resolution during which a new failure of the same node opens silently (flapping). */
  suppressionHours?: number;
  /** The root cause it belongs to in an email: the model a test checks, the source a load fills. */
  cause?: string;
}

export interface Incident {
  key: string;
  kind: IncidentKind;
  name: string;
  severity: IncidentSeverity;
  detail?: string;
  owners: string[];
  tags: string[];
  muted?: boolean;
  cause?: string;
  /** ISO-8601. */
  openedAt: string;
  lastFailedAt: string;
  /** Runs or checks that saw it failing. */
  occurrences: number;
  /** Set when it opened inside its suppression interval: no first-failure email was sent. */
  suppressed?: boolean;
  /** Set on a resolved incident: when it passed again. */
  resolvedAt?: string;
}

/** Everything the alerting keeps, as one document (see incident-store-dynamodb.ts for why one). */
export interface IncidentBook {
  open: Record<string, Incident>;
  /** When each key last resolved (for suppression intervals), pruned after a week. */
  resolvedAt: Record<string, string>;
  /** Warn incidents resolved since the last digest. */
  warnResolvedSinceDigest: Incident[];
  /** When the next "still failing" reminder is due (absent while nothing error-level is open). */
  nextReminderAt?: string;
  /** When the next warn digest is due (absent while no warn incident is open or resolved since the last). */
  nextDigestAt?: string;
}

export function emptyBook(): IncidentBook {
  return { open: {}, resolvedAt: {}, warnResolvedSinceDigest: [] };
}

/** How often people hear about what they already know. */
export interface AlertPolicy {
  /** Between two "still failing" reminders. Default 24 h. */
  reminderIntervalMs: number;
  /** The warn digest goes out daily at this UTC hour (0–23). Default 8. */
  digestHourUtc: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = { reminderIntervalMs: 24 * 3600_000, digestHourUtc: 8 };

/** An email to send. `alert`: new failures and/or resolutions (with what is still open); `reminder`; `digest` (warn). */
export type Notice =
  | { kind: 'alert'; opened: Incident[]; resolved: Incident[]; stillOpen: Incident[] }
  | { kind: 'reminder'; stillOpen: Incident[] }
  | { kind: 'digest'; open: Incident[]; resolved: Incident[] };
