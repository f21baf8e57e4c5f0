import type { Cell } from '../../engine/warehouse/warehouse';
import type { SqlColumn } from '../sql-engine/sql-engine';

/** A Data API `Field` as it travels on the wire: exactly one member is set (`blobValue` is base64). */
export type WireField =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: number }
  | { doubleValue: number }
  | { stringValue: string }
  | { blobValue: string };

/** A Data API `ColumnMetadata` (the members the local endpoint fills). */
export interface WireColumnMetadata {
  name: string;
  label: string;
  typeName: string;
  isSigned: boolean;
  /** 0 = not nullable, 1 = nullable, 2 = unknown (JDBC convention). */
  nullable: number;
  precision: number;
  scale: number;
  length: number;
  schemaName: string;
  tableName: string;
}

const LONG_TYPES = new Set(['int2', 'int4', 'int8', 'oid']);
const DOUBLE_TYPES = new Set(['float4', 'float8']);
const SIGNED_TYPES = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);

/** PostgreSQL type names that Redshift spells differently. Redshift has no `text` type: it is `varchar`. */
const REDSHIFT_TYPE_NAMES: Record<string, string> = { text: 'varchar' };

/** The type name Redshift would report for a PostgreSQL type. */
export function redshiftTypeName(postgresTypeName: string): string {
  return REDSHIFT_TYPE_NAMES[postgresTypeName] ?? postgresTypeName;
}

/**
 * Encodes one value (PostgreSQL text output) as a Data API Field, the way Redshift does:
 * integers as `longValue`, floats as `doubleValue`, booleans as `booleanValue`, bytes as base64
 * `blobValue`, NULL as `isNull`, and everything else (numeric, dates, timestamps, text) as `stringValue`.
 *
 * @example
 * toWireField('42', 'int4');         // { longValue: 42 }
 * toWireField('12.50', 'numeric');   // { stringValue: '12.50' }
 * toWireField(null, 'text');         // { isNull: true }
 */
export function toWireField(value: string | null, postgresTypeName: string): WireField {
  if (value === null) return { isNull: true };
  if (LONG_TYPES.has(postgresTypeName)) return { longValue: Number(value) };
  if (DOUBLE_TYPES.has(postgresTypeName)) {
    const number = Number(value);
    return Number.isFinite(number) ? { doubleValue: number } : { stringValue: value };
  }
  if (postgresTypeName === 'bool') return { booleanValue: value === 't' || value === 'true' };
  if (postgresTypeName === 'bytea') return { blobValue: Buffer.from(value.replace(/^\\x/, ''), 'hex').toString('base64') };
  return { stringValue: value };
}

/**
 * The cell a Data API client decodes from {@link toWireField}'s Field, without the wire: numbers for integers and
 * finite floats, booleans, base64 text for bytes, null, and text for everything else. The in-process warehouse
 * returns exactly what the SDK adapter would.
 *
 * @example
 * toCell('42', 'int4');        // 42
 * toCell('12.50', 'numeric');  // '12.50'
 */
export function toCell(value: string | null, postgresTypeName: string): Cell {
  const field = toWireField(value, postgresTypeName);
  if ('isNull' in field) return null;
  if ('longValue' in field) return field.longValue;
  if ('doubleValue' in field) return field.doubleValue;
  if ('booleanValue' in field) return field.booleanValue;
  if ('blobValue' in field) return field.blobValue;
  return field.stringValue;
}

/** Column metadata for one result column. */
export function toWireColumnMetadata(column: SqlColumn): WireColumnMetadata {
  return {
    name: column.name,
    label: column.name,
    typeName: redshiftTypeName(column.typeName),
    isSigned: SIGNED_TYPES.has(column.typeName),
    nullable: 2,
    precision: 0,
    scale: 0,
    length: 0,
    schemaName: '',
    tableName: '',
  };
}
