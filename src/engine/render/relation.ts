import type { Relation } from '../manifest';

/** A database relation as templates see it: `{{ ref('x') }}` prints `"schema"."identifier"`. */
export class RelationRef {
  readonly name: string;
  constructor(
    readonly schema: string,
    readonly identifier: string,
    readonly database?: string,
  ) {
    this.name = identifier;
  }
  static of(relation: Relation): RelationRef {
    return new RelationRef(relation.schema, relation.identifier);
  }
  toString(): string {
    return `${quoteIdentifier(this.schema)}.${quoteIdentifier(this.identifier)}`;
  }
  /** dbt's `relation.include(...)`: accepted for compatibility; the printed form is always schema-qualified. */
  include(): RelationRef {
    return this;
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(relation: Relation): string {
  return `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;
}
