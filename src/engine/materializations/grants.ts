/**
 * dbt's `grants` config: `{ privilege: [grantee, …] }` on models and seeds. After a build the relation
 * carries exactly the configured grants: a relation that was replaced (a table swapped in, a seed reloaded)
 * starts with none, so the configured ones are granted; a relation kept in place (an incremental merge, a
 * view replaced in place) may still hold grants from earlier runs, so the ones no longer configured are
 * revoked (from the catalog snapshot the run took when it was prepared) before the configured ones are
 * granted. Granting a privilege a grantee already holds changes nothing, so every configured grant is
 * issued even on a kept relation: the end state is right even when an in-place replace fell back to a swap.
 *
 * Grantees are role (or user) names: a plain identifier is folded to lower case, as PostgreSQL and
 * Redshift fold unquoted names, and every grantee is quoted in the SQL. On Redshift a grantee may be
 * `group:<name>` or `role:<name>` (dbt-redshift's prefixes; `user:<name>` or a bare name is a user).
 * The current grants are read from `information_schema.role_table_grants` (PostgreSQL, grants by the
 * current role, as dbt-postgres) or `SVV_RELATION_PRIVILEGES` (Redshift); grants to PUBLIC are not managed.
 *
 * Without a `grants` config nothing is granted or revoked, as in dbt. Grants made outside the project then
 * follow how the relation is rebuilt, which differs from dbt in two places: a PostgreSQL view replaced in
 * place keeps them (dbt's rename swap loses them), a reloaded seed loses them (dbt truncates and keeps them).
 */
import type { Dialect } from '../dialects';
import type { Relation } from '../manifest';

/** Privilege (lower case) → grantees. */
export type Grants = Record<string, string[]>;

/** A `grants` config that is not a mapping of privileges to grantee names. */
export class GrantsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrantsConfigError';
  }
}

const PRIVILEGE = /^[a-z]+( [a-z]+)*$/;
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const GRANTEE_PREFIX = /^(user|group|role):/i;

/**
 * Merge `grants` of config levels (earliest first) as dbt does: a later level's privilege replaces the
 * earlier grantees of that privilege, unless written `+privilege`, which adds to them; privileges a later
 * level does not name are kept. Undefined when no level sets grants.
 *
 * @example
 * mergeGrants([{ select: ['reporter'] }, { '+select': ['analyst'], insert: 'loader' }])
 * // { select: ['reporter', 'analyst'], insert: ['loader'] }
 * mergeGrants([{ select: ['reporter'] }, { select: ['analyst'] }]) // { select: ['analyst'] }
 */
export function mergeGrants(levels: unknown[]): Record<string, unknown[]> | undefined {
  let merged: Record<string, unknown[]> | undefined;
  for (const level of levels) {
    if (level === undefined || level === null) continue;
    // Not a mapping: kept as it is, for normalizeGrants to report where the config is read.
    if (typeof level !== 'object' || Array.isArray(level)) return level as Record<string, unknown[]>;
    merged ??= {};
    for (const [key, value] of Object.entries(level)) {
      const extend = key.startsWith('+');
      const privilege = extend ? key.replace(/^\++/, '') : key;
      const grantees = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
      merged[privilege] = extend && merged[privilege] ? [...merged[privilege], ...grantees] : [...grantees];
    }
  }
  return merged;
}

/**
 * Validate and normalize a merged `grants` config: privileges in lower case, grantees trimmed, plain
 * identifiers folded to lower case, duplicates dropped. Throws {@link GrantsConfigError} naming the problem.
 *
 * @example
 * normalizeGrants({ SELECT: ['Reporter', 'reporter', 'group:Analysts'] }) // { select: ['reporter', 'group:analysts'] }
 */
export function normalizeGrants(value: unknown): Grants {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new GrantsConfigError(`grants must be a mapping of privilege to grantees, got ${JSON.stringify(value)}`);
  const grants: Grants = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const privilege = key.replace(/^\++/, '').trim().toLowerCase().replace(/\s+/g, ' ');
    if (!PRIVILEGE.test(privilege)) throw new GrantsConfigError(`grants: '${key}' is not a privilege (e.g. select, insert, update, delete)`);
    const list = raw === null || raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const grantees: string[] = [];
    for (const entry of list) {
      if (typeof entry !== 'string') throw new GrantsConfigError(`grants: the grantees of '${privilege}' must be names, got ${JSON.stringify(entry)}`);
      const grantee = normalizeGrantee(entry);
      if (!grantees.includes(grantee)) grantees.push(grantee);
    }
    grants[privilege] = [...(grants[privilege] ?? []), ...grantees.filter((g) => !(grants[privilege] ?? []).includes(g))];
  }
  return grants;
}

function normalizeGrantee(entry: string): string {
  const trimmed = entry.trim();
  const prefix = GRANTEE_PREFIX.exec(trimmed)?.[1]?.toLowerCase();
  const name = prefix ? trimmed.slice(prefix.length + 1).trim() : trimmed;
  // The name is quoted in SQL, so anything but a double quote or a control character is safe.
  if (name === '' || name.length > 127 || /["\u0000-\u001f]/.test(name)) throw new GrantsConfigError(`grants: '${entry}' is not a valid grantee name`);
  const folded = PLAIN_IDENTIFIER.test(name) ? name.toLowerCase() : name;
  return prefix && prefix !== 'user' ? `${prefix}:${folded}` : folded;
}

/**
 * The grantees of `a` that `b` does not have, by privilege (dbt's `diff_of_two_dicts`, case-insensitive).
 *
 * @example
 * grantsMissingFrom({ select: ['a', 'b'], insert: ['c'] }, { select: ['A'] }) // { select: ['b'], insert: ['c'] }
 */
export function grantsMissingFrom(a: Grants, b: Grants): Grants {
  const lowered = new Map(Object.entries(b).map(([k, v]) => [k.toLowerCase(), new Set(v.map((g) => g.toLowerCase()))]));
  const missing: Grants = {};
  for (const [privilege, grantees] of Object.entries(a)) {
    const held = lowered.get(privilege.toLowerCase());
    const rest = grantees.filter((g) => !held?.has(g.toLowerCase()));
    if (rest.length) missing[privilege] = rest;
  }
  return missing;
}

/**
 * The statements that leave `relation` with exactly the `configured` grants: revokes of what `current`
 * holds beyond them (only for a relation kept in place; pass undefined for a new or replaced one), then
 * one grant per privilege. Nothing when no grants are configured (dbt leaves such relations alone).
 *
 * @example
 * grantStatements(dialects.postgres, { schema: 'analytics', identifier: 'orders' }, { select: ['reporter'] }, { select: ['old_reader'] })
 * // ['revoke select on "analytics"."orders" from "old_reader"', 'grant select on "analytics"."orders" to "reporter"']
 */
export function grantStatements(dialect: Dialect, relation: Relation, configured: Grants, current: Grants | undefined): string[] {
  if (Object.keys(configured).length === 0) return [];
  const revokes = Object.entries(current ? grantsMissingFrom(current, configured) : {})
    .map(([privilege, grantees]) => dialect.revokeSql(relation, privilege, grantees));
  const grants = Object.entries(configured)
    .filter(([, grantees]) => grantees.length > 0)
    .map(([privilege, grantees]) => dialect.grantSql(relation, privilege, grantees));
  return [...revokes, ...grants];
}

/**
 * The current grants of relations, from the rows of `dialect.grantsQuery`: `(schema, relation, privilege,
 * grantee)`, by `schema.identifier`.
 */
export function grantsByRelation(rows: unknown[][]): Record<string, Grants> {
  const byRelation: Record<string, Grants> = {};
  for (const [schema, name, privilege, grantee] of rows) {
    const grants = (byRelation[`${String(schema)}.${String(name)}`] ??= {});
    const list = (grants[String(privilege).toLowerCase()] ??= []);
    if (!list.includes(String(grantee))) list.push(String(grantee));
  }
  return byRelation;
}
