/**
 * Routing alerts to owners with SNS subscription filter policies, from `landfall.yml` `alerts.subscribers`.
 *
 * Every message on the alert topic carries the attribute `audience`:
 * - `all` — the whole alert of a run (or check), for subscribers without `owners`/`tags` (the team);
 * - `owner` — a copy holding only one route's incidents, with `route` = the owner (`finance`, an address from
 *   `meta.alert_emails`) or `tag:<tag>`; an owner's subscription selects `{"audience": ["owner"], "route": [...]}`.
 * Plus `kind` (alert, reminder, digest, crash, loader), `severity` and `project` for finer policies.
 * A subscriber with `kinds` adds `"kind": [...]`. Every publisher to the topic must set `audience` (a message with
 * no attributes matches no filter policy: https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html).
 */
import type { AlertSubscriber, LandfallSettings } from '../schedules/landfall-settings';

export type AlertAudience = 'all' | 'owner';
export type AlertKind = 'alert' | 'reminder' | 'digest' | 'crash' | 'loader' | 'freshness';

export interface SnsMessageAttribute {
  DataType: 'String' | 'String.Array' | 'Number';
  StringValue: string;
}

/** The message attributes of one published alert. */
export function alertAttributes(input: { audience: AlertAudience; kind: AlertKind; project: string; severity?: 'error' | 'warn'; route?: string }): Record<string, SnsMessageAttribute> {
  return {
    audience: { DataType: 'String', StringValue: input.audience },
    kind: { DataType: 'String', StringValue: input.kind },
    project: { DataType: 'String', StringValue: input.project },
    ...(input.severity && { severity: { DataType: 'String', StringValue: input.severity } }),
    ...(input.route && { route: { DataType: 'String', StringValue: input.route } }),
  };
}

/** The filter policy of one subscriber. */
export function filterPolicyOf(subscriber: AlertSubscriber): Record<string, unknown> {
  const routes = [...(subscriber.owners ?? []), ...(subscriber.tags ?? []).map((t) => `tag:${t}`)];
  const kinds = subscriber.kinds ? { kind: [...subscriber.kinds] } : {};
  if (routes.length === 0) return { audience: ['all'], ...kinds };
  return { audience: ['owner'], route: routes, ...kinds };
}

/** The routes (owners and `tag:` names) some subscriber selects on: only these get per-owner copies. */
export function subscribedRoutes(settings: LandfallSettings): Set<string> {
  return new Set(settings.alerts.subscribers.flatMap((s) => [...(s.owners ?? []), ...(s.tags ?? []).map((t) => `tag:${t}`)]));
}
