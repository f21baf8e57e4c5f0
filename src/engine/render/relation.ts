import type { Relation, RelationQuoting } from '../manifest';

/** The parts of a relation name that print (dbt's `relation.include(database=…, schema=…, identifier=…)`). */
interface IncludedParts {
  database: boolean;
  schema: boolean;
  identifier: boolean;
}

const ALL_PARTS: IncludedParts = { database: true, schema: true, identifier: true };

/** dbt's `RelationType`: what a relation is in the warehouse, when known (`null`: not known, as for `ref()`). */
export type RelationType = 'table' | 'view' | 'materialized_view' | 'cte' | 'external';

const RELATION_TYPES: ReadonlySet<string> = new Set(['table', 'view', 'materialized_view', 'cte', 'external']);

/** Keyword arguments (nunjucks' last argument flagged `__keywords`) or the positional ones, by name. */
function argumentsByName(args: unknown[], names: readonly string[]): Record<string, unknown> {
  const last = args[args.length - 1];
  // Keyword arguments, or (from TypeScript callers) one plain object of them.
  const isKeywords = last !== null && typeof last === 'object' && (Object.prototype.hasOwnProperty.call(last, '__keywords') || (args.length === 1 && Object.getPrototypeOf(last) === Object.prototype));
  const keywords = isKeywords ? (last as Record<string, unknown>) : {};
  const positional = keywords === last ? args.slice(0, -1) : args;
  const byName: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (i < positional.length) byName[name] = positional[i];
  });
  for (const [key, value] of Object.entries(keywords)) if (key !== '__keywords') byName[key] = value;
  return byName;
}

/**
 * A database relation as templates see it, with dbt's `Relation` attributes (`database`, `schema`,
 * `identifier`, `name`, `type`, `is_table`, `is_view`, `render()`, `include()`, `quote()`, `incorporate()`):
 * `{{ ref('x') }}` prints `"database"."schema"."identifier"` as dbt-postgres and dbt-redshift do (their
 * include policy prints all three parts), each part unquoted where `quoting` says false.
 */
export class RelationRef {
  readonly name: string;
  constructor(
    readonly schema: string,
    readonly identifier: string,
    readonly database?: string,
    readonly quoting: RelationQuoting = {},
    private readonly parts: IncludedParts = ALL_PARTS,
    readonly type: RelationType | null = null,
  ) {
    this.name = identifier;
  }
  static of(relation: Relation, type: RelationType | null = null): RelationRef {
    return new RelationRef(relation.schema, relation.identifier, relation.database, relation.quoting ?? {}, ALL_PARTS, type);
  }
  /**
   * A manifest relation as `ref()`, `source()` and `this` give it to templates: in `targetDatabase` unless it
   * names its own (a source's `database`), so it prints three parts as dbt does.
   *
   * @example
   * String(RelationRef.inDatabase({ schema: 'analytics', identifier: 'orders' }, 'dev')); // '"dev"."analytics"."orders"'
   */
  static inDatabase(relation: Relation, targetDatabase: string, type: RelationType | null = null): RelationRef {
    return new RelationRef(relation.schema, relation.identifier, relation.database ?? (targetDatabase || undefined), relation.quoting ?? {}, ALL_PARTS, type);
  }
  /**
   * dbt's `api.Relation.create(database=…, schema=…, identifier=…, type=…)`.
   *
   * @example
   * RelationRef.create({ schema: 'raw', identifier: 'orders', type: 'table', __keywords: true }).is_table // true
   */
  static create(...args: unknown[]): RelationRef {
    const given = argumentsByName(args, ['database', 'schema', 'identifier', 'type', 'quote_policy']);
    const text = (value: unknown) => (value === null || value === undefined ? undefined : String(value));
    return new RelationRef(text(given.schema) ?? '', text(given.identifier) ?? '', text(given.database), mergeQuoting(given.quote_policy) ?? {}, ALL_PARTS, relationType(given.type));
  }
  /** dbt's `relation.table`: the identifier. */
  get table(): string {
    return this.identifier;
  }
  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }
  /** dbt's `relation.path`: the three parts by name. */
  get path(): Record<string, string | null> {
    return { database: this.database ?? null, schema: this.schema || null, identifier: this.identifier || null };
  }
  /** dbt's `relation.quote_policy`. */
  get quote_policy(): Record<string, boolean> {
    return { database: this.quoting.database !== false, schema: this.quoting.schema !== false, identifier: this.quoting.identifier !== false };
  }
  /** dbt's `relation.include_policy`. */
  get include_policy(): Record<string, boolean> {
    return { ...this.parts };
  }
  /**
   * What dbt's relations report as their class (`relation.get('metadata').type`), which packages check to tell
   * a relation from a string (dbt_utils' `_is_relation`).
   */
  get metadata(): Record<string, string> {
    return { type: 'PostgresRelation' };
  }
  /** dbt's `relation.get(name, default)` (relations answer attribute lookups as dicts do). */
  get(name: unknown, fallback: unknown = null): unknown {
    const value = (this as unknown as Record<string, unknown>)[String(name)];
    return value === undefined || typeof value === 'function' ? fallback : value;
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
  /** A copy with some fields replaced (the subclass's own fields, such as a CTE's, are not kept). */
  protected with(changes: { schema?: string; identifier?: string; database?: string; quoting?: RelationQuoting; parts?: IncludedParts; type?: RelationType | null }): RelationRef {
    return new RelationRef(
      changes.schema ?? this.schema, changes.identifier ?? this.identifier, 'database' in changes ? changes.database : this.database,
      changes.quoting ?? this.quoting, changes.parts ?? this.parts, changes.type === undefined ? this.type : changes.type,
    );
  }
  /**
   * dbt's `relation.include(database=True, schema=True, identifier=True)`: the same relation printing only
   * the parts left true (keyword or positional arguments).
   */
  include(...args: unknown[]): RelationRef {
    const given = argumentsByName(args, ['database', 'schema', 'identifier']);
    const part = (key: keyof IncludedParts) => (given[key] === undefined || given[key] === null ? this.parts[key] : Boolean(given[key]));
    return this.with({ parts: { database: part('database'), schema: part('schema'), identifier: part('identifier') } });
  }
  /** dbt's `relation.quote(database=…, schema=…, identifier=…)`: the same relation with those parts quoted or not. */
  quote(...args: unknown[]): RelationRef {
    const given = argumentsByName(args, ['database', 'schema', 'identifier']);
    const quoting: RelationQuoting = { ...this.quoting };
    for (const part of ['database', 'schema', 'identifier'] as const) {
      if (given[part] !== undefined && given[part] !== null) quoting[part] = Boolean(given[part]);
    }
    return this.with({ quoting });
  }
  /**
   * dbt's `relation.incorporate(path={…}, type=…)`: the same relation with some parts or its type replaced.
   *
   * @example
   * this.incorporate(type='table'); this.incorporate(path={"identifier": "x__tmp"})
   */
  incorporate(...args: unknown[]): RelationRef {
    const given = argumentsByName(args, ['path', 'type']);
    const path = (given.path ?? {}) as Record<string, unknown>;
    const text = (key: string) => (path[key] === undefined || path[key] === null ? undefined : String(path[key]));
    return this.with({ schema: text('schema'), identifier: text('identifier'), ...(path.database !== undefined ? { database: text('database') } : {}), ...(given.type !== undefined ? { type: relationType(given.type) } : {}) });
  }
  /**
   * dbt's `relation.information_schema(view)`: the information schema of the relation's database, e.g.
   * `INFORMATION_SCHEMA.columns` (with the database when this relation prints one).
   */
  information_schema(view?: unknown): RelationRef {
    const identifier = view === undefined || view === null ? '' : String(view);
    return new RelationRef('INFORMATION_SCHEMA', identifier, this.database, { ...this.quoting, schema: false, identifier: false },
      { database: this.parts.database && this.database !== undefined, schema: true, identifier: identifier !== '' });
  }
  /** dbt's `relation.without_identifier()`: the schema alone, printing `"database"."schema"`. */
  without_identifier(): RelationRef {
    return this.with({ parts: { ...this.parts, identifier: false } });
  }
}

function relationType(value: unknown): RelationType | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value).toLowerCase();
  if (!RELATION_TYPES.has(text)) throw new Error(`Relation type '${String(value)}' is not one of ${[...RELATION_TYPES].join(', ')}`);
  return text as RelationType;
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
