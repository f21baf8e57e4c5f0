/**
 * The incident rules, pure: given what a run or check observed, the book of open incidents and the time,
 * decide what changed and which emails go out.
 *
 * - A failure opens an incident. An error-level one is emailed at once ("alert"), unless the node is muted
 *   (`meta.alerts: false`) or it resolved less than its suppression interval ago (it then opens silently).
 *   A warn-level one waits for the daily digest.
 * - While it keeps failing nothing is sent; at most one "still failing" reminder per interval lists every open
 *   error-level incident (an alert about something new counts as that reminder).
 * - A pass closes it: a "resolved" section (in the run's one alert email) for an error-level incident that was
 *   announced; a warn-level one is listed in the next digest.
 */
import type { AlertPolicy, Incident, IncidentBook, Notice, Observation } from './incident';

const PRUNE_RESOLVED_AFTER_MS = 7 * 24 * 3600_000;

/**
 * @example
 * const { book, notices } = trackIncidents(await store.load(), observationsOfRun(run), new Date(), DEFAULT_ALERT_POLICY);
 */
export function trackIncidents(previous: IncidentBook, observations: readonly Observation[], now: Date, policy: AlertPolicy): { book: IncidentBook; notices: Notice[] } {
  const book: IncidentBook = structuredClone(previous);
  const at = now.toISOString();
  const opened: Incident[] = [];
  const resolved: Incident[] = [];
  for (const observation of observations) {
    const current = book.open[observation.key];
    if (observation.failing) {
      if (current) {
        const escalated = current.severity === 'warn' && observation.severity === 'error';
        Object.assign(current, refreshed(current, observation, at));
        if (escalated && !current.muted) opened.push(current);
        continue;
      }
      const lastResolved = book.resolvedAt[observation.key];
      const suppressed = lastResolved !== undefined && (observation.suppressionHours ?? 0) > 0
        && now.getTime() - Date.parse(lastResolved) < observation.suppressionHours! * 3600_000;
      const incident: Incident = {
        ...refreshed(undefined, observation, at),
        openedAt: at,
        occurrences: 1,
        ...(suppressed && { suppressed: true }),
      };
      book.open[observation.key] = incident;
      if (incident.severity === 'error' && !incident.muted && !suppressed) opened.push(incident);
    } else if (current) {
      delete book.open[observation.key];
      book.resolvedAt[observation.key] = at;
      const closed = { ...current, resolvedAt: at };
      if (current.muted) continue;
      if (current.severity === 'warn') book.warnResolvedSinceDigest.push(closed);
      else if (!current.suppressed) resolved.push(closed);
    }
  }

  const notices: Notice[] = [];
  const openErrors = sortedIncidents(Object.values(book.open).filter((i) => i.severity === 'error' && !i.muted));
  const openedKeys = new Set(opened.map((i) => i.key));
  const reminderDue = book.nextReminderAt !== undefined && Date.parse(book.nextReminderAt) <= now.getTime();
  if (opened.length > 0 || resolved.length > 0) {
    notices.push({ kind: 'alert', opened: sortedIncidents(opened), resolved: sortedIncidents(resolved), stillOpen: openErrors.filter((i) => !openedKeys.has(i.key)) });
    // A message about something new also tells what is still open: it counts as the reminder.
    if (opened.length > 0 || reminderDue) book.nextReminderAt = new Date(now.getTime() + policy.reminderIntervalMs).toISOString();
  } else if (openErrors.length > 0 && reminderDue) {
    notices.push({ kind: 'reminder', stillOpen: openErrors });
    book.nextReminderAt = new Date(now.getTime() + policy.reminderIntervalMs).toISOString();
  }
  if (openErrors.length === 0) delete book.nextReminderAt;
  else book.nextReminderAt ??= new Date(now.getTime() + policy.reminderIntervalMs).toISOString();

  const openWarns = sortedIncidents(Object.values(book.open).filter((i) => i.severity === 'warn' && !i.muted));
  if (openWarns.length > 0 || book.warnResolvedSinceDigest.length > 0) {
    book.nextDigestAt ??= nextDigestTime(now, policy.digestHourUtc).toISOString();
    if (Date.parse(book.nextDigestAt) <= now.getTime()) {
      notices.push({ kind: 'digest', open: openWarns, resolved: sortedIncidents(book.warnResolvedSinceDigest) });
      book.warnResolvedSinceDigest = [];
      book.nextDigestAt = nextDigestTime(now, policy.digestHourUtc).toISOString();
    }
  } else {
    delete book.nextDigestAt;
  }
  for (const [key, when] of Object.entries(book.resolvedAt)) {
    if (now.getTime() - Date.parse(when) > PRUNE_RESOLVED_AFTER_MS) delete book.resolvedAt[key];
  }
  return { book, notices };
}

function refreshed(current: Incident | undefined, o: Observation, at: string): Omit<Incident, 'openedAt' | 'occurrences'> & Partial<Incident> {
  return {
    ...current,
    key: o.key,
    kind: o.kind,
    name: o.name,
    severity: current?.severity === 'error' ? 'error' : o.severity,
    ...(o.detail !== undefined && { detail: o.detail }),
    owners: [...o.owners],
    tags: [...o.tags],
    ...(o.muted && { muted: true }),
    ...(o.cause !== undefined && { cause: o.cause }),
    lastFailedAt: at,
    ...(current && { occurrences: current.occurrences + 1 }),
  };
}

/** The first `hour`:00 UTC strictly after `now`. */
export function nextDigestTime(now: Date, hourUtc: number): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

function sortedIncidents(incidents: Incident[]): Incident[] {
  return [...incidents].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.key.localeCompare(b.key));
}
