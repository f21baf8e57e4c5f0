/**
 * Names of the relations a build stages into (`<model>__lf_new_<token>`, `__lf_old_…`, `__lf_delta_…`,
 * `__lf_view_…`, a month's `__lf_shadow_…`). The token is 8 hex characters of a hash of the run id, so:
 *   - two runs never use one name, and never drop or rename each other's staging relations;
 *   - every retry and redrive of one run (same run id) uses the same names, so a step that runs again finds and
 *     replaces what its first attempt left;
 *   - a leftover of another run is recognisable (same shape, other token) and dropped by the next build of that
 *     model ({@link stagingLeftovers}).
 * Names fit the warehouse's identifier limit deterministically: when `<target><suffix>` is too long, the target
 * is cut (on a character boundary) and an 8-character hash of the whole target name keeps two long names apart.
 */
import { createHash } from 'node:crypto';
import type { Relation } from '../manifest';

export const STAGING_KINDS = ['new', 'old', 'delta', 'view', 'shadow'] as const;
export type StagingKind = (typeof STAGING_KINDS)[number];

const LEFTOVER = /^(.+)__lf_(new|old|delta|view|shadow)_([0-9a-f]{8})$/;

function hex8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** The run's token: the same for every retry and redrive of the run. @example runToken('demo-initial-build') // 8 hex chars */
export function runToken(runId: string): string {
  return hex8(runId);
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character. */
function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

function stagingIdentifier(target: string, kind: StagingKind, token: string | undefined, maxBytes: number): string {
  const suffix = `__lf_${kind}${token ? `_${token}` : ''}`;
  if (Buffer.byteLength(target) + suffix.length <= maxBytes) return `${target}${suffix}`;
  return `${cutToBytes(target, maxBytes - suffix.length - 9)}_${hex8(target)}${suffix}`;
}

/**
 * The relation `target` stages into for a step of kind `kind` in run `runId` (no run: the run-less name, for
 * callers outside a run). `maxBytes`: the dialect's identifier limit.
 *
 * @example
 * stagingRelation({ schema: 'analytics', identifier: 'orders' }, 'delta', 'run-1').identifier // 'orders__lf_delta_<8 hex>'
 */
export function stagingRelation(target: Relation, kind: StagingKind = 'new', runId?: string, maxBytes = 63): Relation {
  return { schema: target.schema, identifier: stagingIdentifier(target.identifier, kind, runId === undefined ? undefined : runToken(runId), maxBytes) };
}

/**
 * Staging relations another run left behind for one of `bases` (the model's identifier, its month tables): the
 * names in `identifiers` (one schema's relations) of that exact shape with another run's token.
 *
 * @example
 * stagingLeftovers(['orders', 'orders__lf_delta_0a1b2c3d'], ['orders'], 'run-2', 63) // ['orders__lf_delta_0a1b2c3d']
 */
export function stagingLeftovers(identifiers: Iterable<string>, bases: (name: string) => string[], runId: string, maxBytes: number): string[] {
  const mine = runToken(runId);
  const found: string[] = [];
  for (const name of identifiers) {
    const match = LEFTOVER.exec(name);
    if (!match || match[3] === mine) continue;
    const [, , kind, token] = match;
    if (bases(name).some((base) => stagingIdentifier(base, kind as StagingKind, token, maxBytes) === name)) found.push(name);
  }
  return found.sort();
}
