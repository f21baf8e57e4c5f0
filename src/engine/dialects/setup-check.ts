/**
 * Which of a dialect's setup statements (`setupStatements`: the run's schemas, helper functions) a run still needs.
 * The setup is a writing transaction, and on Redshift each commit costs about a second (issue 16): a run whose
 * schemas and helpers are in place (every run after the first) asks with one read instead, taken at the same time as
 * the catalog snapshot, and commits nothing.
 *
 * The read's rows are `(kind, name, definition)`: `schema` rows for the schemas that exist, `function` rows with a
 * helper's body (`prosrc`: the text between its dollar quotes) so a helper changed by a newer landfall is replaced.
 */
import { sqlStringLiteral } from '../tests/generic-tests';

export interface SetupCheck {
  /** A read (no commit) of what exists among `schemas` and the dialect's helpers. */
  query(schemas: string[]): string;
  /** The setup statements still needed after `rows` of {@link SetupCheck.query}, in the setup's order. */
  missing(schemas: string[], rows: readonly (readonly unknown[])[]): string[];
}

/** A helper function installed by the setup: `create or replace function <schema>.<name>(…) … as $fn$<body>$fn$`. */
export interface SetupHelper {
  schema: string;
  name: string;
  sql: string;
}

/** The body PostgreSQL keeps in `pg_proc.prosrc`: what is between the first pair of `$fn$` quotes. */
export function helperBody(sql: string): string {
  const start = sql.indexOf('$fn$');
  const end = sql.indexOf('$fn$', start + 4);
  if (start < 0 || end < 0) throw new Error(`setup helper without a $fn$-quoted body: ${sql.slice(0, 80)}`);
  return sql.slice(start + 4, end);
}

/**
 * Schemas (`create schema if not exists`) and `helpers`, checked in `pg_namespace` and `pg_proc` (PostgreSQL's catalog
 * tables, which Redshift keeps accessible: https://docs.aws.amazon.com/redshift/latest/dg/c_intro_catalog_views.html).
 */
export function setupCheckFor(createSchema: (schema: string) => string, helpers: readonly SetupHelper[]): SetupCheck {
  return {
    query: (schemas) => {
      const parts = [`select 'schema' as kind, nspname::varchar as name, null::varchar as definition from pg_namespace where nspname in (${schemas.map(sqlStringLiteral).join(', ') || "''"})`];
      if (helpers.length) {
        parts.push(`select 'function' as kind, (n.nspname || '.' || p.proname)::varchar as name, p.prosrc::varchar as definition
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
 where ${helpers.map((h) => `(n.nspname = ${sqlStringLiteral(h.schema)} and p.proname = ${sqlStringLiteral(h.name)})`).join(' or ')}`);
      }
      return parts.join('\nunion all\n');
    },
    missing: (schemas, rows) => {
      const present = new Set(rows.filter((r) => r[0] === 'schema').map((r) => String(r[1])));
      const bodies = new Map<string, string[]>();
      for (const r of rows) if (r[0] === 'function') bodies.set(String(r[1]), [...(bodies.get(String(r[1])) ?? []), String(r[2])]);
      return [
        ...schemas.filter((s) => !present.has(s)).map(createSchema),
        // A helper is replaced unless exactly one function of its name holds today's body.
        ...helpers.filter((h) => {
          const found = bodies.get(`${h.schema}.${h.name}`) ?? [];
          return !(found.length === 1 && found[0] === helperBody(h.sql));
        }).map((h) => h.sql),
      ];
    },
  };
}
