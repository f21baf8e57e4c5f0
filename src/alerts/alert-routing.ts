/**
 * Who an alert is for, and whether it goes out at all, from the node's `meta` (folder-level `+meta` and
 * `config.meta` through the manifest, YAML `meta` through the alerting facts) and tags:
 *
 * - `meta.owner` (a name or a list) and `meta.alert_emails` (a list of addresses) → the `owners` attribute;
 * - the node's tags → the `tags` attribute; subscribers' filter policies select on both (alert-subscriptions.ts);
 * - `meta.alerts: false` → muted (tracked as an incident, never emailed);
 * - `meta.alert_suppression_interval` (hours) → the node's suppression interval (else the project's).
 *
 * A test takes the owners, tags and settings of the model, seed or source it tests, plus its own tags.
 */
import type { Manifest } from '../engine';
import type { ManifestWithAlerting } from './alerting-facts';

export interface NodeRouting {
  owners: string[];
  tags: string[];
  muted: boolean;
  suppressionHours: number;
}

/**
 * @example
 * routingOf(manifest, 'test.demo.not_null_orders_id') // { owners: ['finance'], tags: ['marts'], muted: false, suppressionHours: 0 }
 */
export function routingOf(manifest: Manifest, nodeId: string): NodeRouting {
  const m = manifest as ManifestWithAlerting;
  const test = manifest.tests[nodeId];
  const subjectId = test ? test.attachedTo : nodeId;
  const meta = metaOf(manifest, subjectId);
  const node = manifest.models[subjectId] ?? manifest.seeds[subjectId];
  const source = manifest.sources[subjectId];
  const tags = new Set([...(node?.config.tags ?? source?.tags ?? []), ...(test?.tags ?? [])]);
  const owners = new Set([...listOf(meta.owner), ...listOf(meta.alert_emails)]);
  const suppression = Number(meta.alert_suppression_interval ?? m.alerting?.settings.alerts.suppression_interval_hours ?? 0);
  return {
    owners: [...owners].sort(),
    tags: [...tags].sort(),
    muted: meta.alerts === false,
    suppressionHours: Number.isFinite(suppression) && suppression > 0 ? suppression : 0,
  };
}

/** `config.meta` (with folder-level `+meta`) under the YAML `meta`. */
export function metaOf(manifest: Manifest, nodeId: string): Record<string, unknown> {
  const node = manifest.models[nodeId] ?? manifest.seeds[nodeId];
  const source = manifest.sources[nodeId];
  const configMeta = (node?.config.meta ?? {}) as Record<string, unknown>;
  const yamlMeta = (manifest as ManifestWithAlerting).alerting?.nodes[nodeId]?.meta ?? {};
  return { ...(source?.meta ?? {}), ...configMeta, ...yamlMeta };
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string' && value.trim()) return value.split(',').map((v) => v.trim()).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
  return [];
}
