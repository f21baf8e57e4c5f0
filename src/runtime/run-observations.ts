/**
 * What a finished run tells the incident book (src/incidents): every model, test and load that ran, failing or
 * passing, with its routing (owners, tags, muted, suppression) and root cause. Skipped nodes say nothing: they did
 * not run, so an open incident on them stays open.
 */
import type { Manifest, RunState } from '../engine';
import type { Observation } from '../incidents/incident';
import { routingOf } from '../alerts/alert-routing';
import { CRASH_INCIDENT_KEY, loaderIncidentKey } from './announce-incident';

export function observationsOfRun(run: RunState, manifest: Manifest, trigger?: { loader?: string; connector?: string }): Observation[] {
  // The run completed (it reached PublishAlert/UpdateIncidents): runs no longer crash; its loader delivered.
  const observations: Observation[] = [{ key: CRASH_INCIDENT_KEY, kind: 'run', name: 'transform runs crash', failing: false, severity: 'error', owners: [], tags: [] }];
  if (trigger?.loader && trigger.connector && trigger.loader !== 'manual') {
    observations.push({ key: loaderIncidentKey(trigger.loader, trigger.connector), kind: 'loader', name: `${trigger.loader} ${trigger.connector}`, failing: false, severity: 'error', owners: [], tags: [] });
  }
  for (const node of run.nodes) {
    if (node.kind === 'load') {
      if (node.status !== 'success' && node.status !== 'error') continue;
      const sourceId = node.load?.sourceId;
      const routing = sourceId ? routingOf(manifest, sourceId) : { owners: [], tags: [], muted: false, suppressionHours: 0 };
      observations.push({
        key: node.id, kind: 'load', name: node.name.replace(/^load\./, ''), failing: node.status === 'error', severity: 'error',
        detail: node.status === 'error' ? firstLine(node.error) : undefined, cause: node.name.replace(/^load\./, ''), ...routed(routing),
      });
      continue;
    }
    if (node.kind === 'tests') {
      for (const t of node.tests ?? []) {
        if (t.status === 'skipped') continue;
        const failing = t.status === 'fail' || t.status === 'warn' || t.status === 'error';
        observations.push({
          key: `test:${t.id}`, kind: 'test', name: t.name, failing,
          severity: t.status === 'warn' ? 'warn' : 'error',
          detail: t.status === 'error' ? firstLine(node.error) ?? 'the test could not run' : failing ? `${t.failures} failing row${t.failures === 1 ? '' : 's'}` : undefined,
          cause: node.name, ...routed(routingOf(manifest, t.id)),
        });
      }
      continue;
    }
    if (node.status !== 'success' && node.status !== 'error') continue;
    if (!manifest.models[node.id] && !manifest.seeds[node.id]) continue;
    observations.push({
      key: `model:${node.id}`, kind: 'model', name: node.name, failing: node.status === 'error', severity: 'error',
      detail: node.status === 'error' ? firstLine(node.error) : undefined, cause: node.name, ...routed(routingOf(manifest, node.id)),
    });
  }
  return observations;
}

function routed(routing: ReturnType<typeof routingOf>): Pick<Observation, 'owners' | 'tags' | 'muted' | 'suppressionHours'> {
  return { owners: routing.owners, tags: routing.tags, ...(routing.muted && { muted: true }), ...(routing.suppressionHours > 0 && { suppressionHours: routing.suppressionHours }) };
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n')[0]?.slice(0, 300);
}
