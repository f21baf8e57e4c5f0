/**
 * dbt's `Column` (adapter.get_columns_in_relation returns them): `name`, `dtype`, `data_type`, `char_size`,
 * `numeric_precision`, `numeric_scale`, `quoted`, `is_string()`, `is_number()`, `string_size()`, … with the
 * rules of dbt-postgres's and dbt-redshift's column classes (a `text` or unsized `character varying`
 * column keeps its type name on PostgreSQL; a sized string prints `character varying(n)`).
 */
import type { DialectName } from '../target';

const STRING_TYPES: ReadonlySet<string> = new Set(['text', 'character varying', 'character', 'varchar', 'char', 'bpchar', 'nvarchar', 'string']);
const INTEGER_TYPES: ReadonlySet<string> = new Set([
  'smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial', 'int2', 'int4', 'int8', 'serial2', 'serial4', 'serial8', 'int',
]);
const FLOAT_TYPES: ReadonlySet<string> = new Set(['real', 'float4', 'float', 'double precision', 'float8', 'double']);
const NUMERIC_TYPES: ReadonlySet<string> = new Set(['numeric', 'decimal']);

/** dbt's types by the names `api.Column.translate_type` takes. */
const TRANSLATED: Readonly<Record<string, string>> = { string: 'TEXT', timestamp: 'TIMESTAMP', float: 'FLOAT', integer: 'INT', boolean: 'BOOLEAN' };

function optionalNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export class Column {
  readonly char_size: number | null;
  readonly numeric_precision: number | null;
  readonly numeric_scale: number | null;
  constructor(
    readonly column: string,
    readonly dtype: string,
    charSize: unknown = null,
    numericPrecision: unknown = null,
    numericScale: unknown = null,
    readonly dialect: DialectName = 'postgres',
  ) {
    this.char_size = optionalNumber(charSize);
    this.numeric_precision = optionalNumber(numericPrecision);
    this.numeric_scale = optionalNumber(numericScale);
  }
  /**
   * `api.Column.create(name, label_or_dtype)` (dbt: the type translated as `translate_type` does).
   *
   * @example
   * Column.create('id', 'integer').data_type // 'integer'
   */
  static create(name: unknown, dtype: unknown): Column {
    return new Column(String(name), Column.translate_type(dtype));
  }
  static translate_type(dtype: unknown): string {
    return TRANSLATED[String(dtype).toLowerCase()] ?? String(dtype);
  }
  get name(): string {
    return this.column;
  }
  /** The name double-quoted, as dbt's `column.quoted`. */
  get quoted(): string {
    return `"${this.column.replace(/"/g, '""')}"`;
  }
  /** The full SQL type: `character varying(12)`, `numeric(10,2)`, else the type name. */
  get data_type(): string {
    const dtype = this.dtype.toLowerCase();
    if (this.dialect === 'postgres' && (dtype === 'text' || (dtype === 'character varying' && this.char_size === null))) return this.dtype;
    if (this.is_string()) return Column.string_type(this.string_size());
    if (this.is_numeric()) return Column.numeric_type(this.dtype, this.numeric_precision, this.numeric_scale);
    return this.dtype;
  }
  is_string(): boolean {
    return STRING_TYPES.has(this.dtype.toLowerCase());
  }
  is_integer(): boolean {
    return INTEGER_TYPES.has(this.dtype.toLowerCase());
  }
  is_float(): boolean {
    return FLOAT_TYPES.has(this.dtype.toLowerCase());
  }
  is_numeric(): boolean {
    return NUMERIC_TYPES.has(this.dtype.toLowerCase());
  }
  is_number(): boolean {
    return this.is_integer() || this.is_float() || this.is_numeric();
  }
  /** A string column's length; 256 when the type has none (dbt's default). */
  string_size(): number {
    if (!this.is_string()) throw new Error(`Called string_size() on non-string field ${this.column} (${this.dtype})`);
    return this.char_size ?? 256;
  }
  /** Whether this string column can widen to `other`'s size (dbt: both strings, this one shorter). */
  can_expand_to(other: Column): boolean {
    return this.is_string() && other.is_string() && this.string_size() < other.string_size();
  }
  /** `cast(value as type)`. */
  literal(value: unknown): string {
    return `${String(value)}::${this.data_type}`;
  }
  static string_type(size: unknown): string {
    return `character varying(${String(size)})`;
  }
  static numeric_type(dtype: unknown, precision: unknown, scale: unknown): string {
    return precision === null || precision === undefined || scale === null || scale === undefined ? String(dtype) : `${String(dtype)}(${String(precision)},${String(scale)})`;
  }
  toString(): string {
    return `<Column ${this.column} (${this.data_type})>`;
  }
}
