import type { Relation, RelationQuoting } from '../manifest';

/** The parts of a relation name that print (dbt's `relation.include(database=…, schema=…, identifier=…)`). */
interface IncludedParts {
  database: boolean;
  schema: boolean;
  identifier: boolean;
}

const ALL_PARTS: IncludedParts = { database: true, schema: true, identifier: true };

/**
 * A database relation as templates see it: `{{ ref('x') }}` prints `"schema"."identifier"`, a source in
 * another database `"database"."schema"."identifier"`, each part unquoted where `quoting` says false.
 */
export class RelationRef {
  readonly name: string;
  constructor(
    readonly schema: string,
    readonly identifier: string,
    readonly database?: string,
    readonly quoting: RelationQuoting = {},
    private readonly parts: IncludedParts = ALL_PARTS,
  ) {
    this.name = identifier;
  }
  static of(relation: Relation): RelationRef {
    return new RelationRef(relation.schema, relation.identifier, relation.database, relation.quoting ?? {});
  }
  /** dbt's `relation.render()`: the name as SQL, as `{{ relation }}` prints it. */
  render(): string {
    return this.toString();
  }
  toString(): string {
    return renderRelationName(
      {
        database: this.parts.database ? this.database : undefined,
        schema: this.parts.schema ? this.schema : undefined,
        identifier: this.parts.identifier ? this.identifier : undefined,
      },
      this.quoting,
    );
  }
  /**
   * dbt's `relation.include(database=True, schema=True, identifier=True)`: the same relation printing only
   * the parts left true (keyword or positional arguments).
   */
  include(...args: unknown[]): RelationRef {
    const first = args[0];
    const given: Partial<Record<keyof IncludedParts, unknown>> =
      first !== null && typeof first === 'object'
        ? (first as Record<string, unknown>)
        : { database: args[0], schema: args[1], identifier: args[2] };
    const part = (key: keyof IncludedParts) => (given[key] === undefined ? this.parts[key] : Boolean(given[key]));
    return new RelationRef(this.schema, this.identifier, this.database, this.quoting, {
      database: part('database'),
      schema: part('schema'),
      identifier: part('identifier'),
    });
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A relation's name for SQL: `[database.]schema.identifier`, each part quoted unless its `quoting` is false.
 *
 * @example
 * qualified({ schema: 'raw', identifier: 'Orders' }); // '"raw"."Orders"'
 * qualified({ database: 'lake', schema: 'raw', identifier: 'orders', quoting: { identifier: false } }); // '"lake"."raw".orders'
 */
export function qualified(relation: Relation): string {
  return renderRelationName(relation, relation.quoting ?? {});
}

function renderRelationName(parts: { database?: string; schema?: string; identifier?: string }, quoting: RelationQuoting): string {
  return (['database', 'schema', 'identifier'] as const)
    .filter((part) => parts[part] !== undefined && parts[part] !== '')
    .map((part) => (quoting[part] === false ? parts[part]! : quoteIdentifier(parts[part]!)))
    .join('.');
}

/**
 * dbt's quoting settings merged from the most general level to the most specific (e.g. a source's
 * `quoting`, then its table's); only explicit true/false values count. Undefined when nothing is set.
 *
 * @example
 * mergeQuoting({ identifier: false }, { database: false }); // { identifier: false, database: false }
 */
export function mergeQuoting(...levels: unknown[]): RelationQuoting | undefined {
  const merged: RelationQuoting = {};
  for (const level of levels) {
    if (level === null || typeof level !== 'object') continue;
    for (const part of ['database', 'schema', 'identifier'] as const) {
      const value = (level as Record<string, unknown>)[part];
      if (typeof value === 'boolean') merged[part] = value;
    }
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
