/**
 * The raw landing tables of the demo warehouse, as the loaders create them: Fivetran's replica of the
 * application database (with its `_fivetran_synced`/`_fivetran_deleted` columns) and the Firehose
 * product event stream. Column types are portable between PostgreSQL and Amazon Redshift.
 */
export const RAW_TABLE_NAMES = ['users', 'transfers', 'boards', 'decks', 'product_events'] as const;

export type RawTableName = (typeof RAW_TABLE_NAMES)[number];

export interface RawColumn {
  name: string;
  type: string;
}

const FIVETRAN_COLUMNS: RawColumn[] = [
  { name: '_fivetran_synced', type: 'timestamp' },
  { name: '_fivetran_deleted', type: 'boolean' },
];

/** Column lists of every raw table, in insert order. */
export const RAW_TABLE_COLUMNS: Readonly<Record<RawTableName, readonly RawColumn[]>> = {
  users: [
    { name: 'id', type: 'varchar(32)' },
    { name: 'email', type: 'varchar(256)' },
    { name: 'full_name', type: 'varchar(256)' },
    { name: 'country_code', type: 'varchar(2)' },
    { name: 'plan_id', type: 'varchar(32)' },
    { name: 'signed_up_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
    ...FIVETRAN_COLUMNS,
  ],
  transfers: [
    { name: 'id', type: 'varchar(32)' },
    { name: 'sender_id', type: 'varchar(32)' },
    { name: 'transfer_type', type: 'varchar(16)' },
    { name: 'status', type: 'varchar(16)' },
    { name: 'file_count', type: 'integer' },
    { name: 'recipient_count', type: 'integer' },
    { name: 'size_bytes', type: 'bigint' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'expires_at', type: 'timestamp' },
    { name: 'first_downloaded_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
    ...FIVETRAN_COLUMNS,
  ],
  boards: [
    { name: 'id', type: 'varchar(32)' },
    { name: 'owner_id', type: 'varchar(32)' },
    { name: 'title', type: 'varchar(512)' },
    { name: 'visibility', type: 'varchar(16)' },
    { name: 'item_count', type: 'integer' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
    ...FIVETRAN_COLUMNS,
  ],
  decks: [
    { name: 'id', type: 'varchar(32)' },
    { name: 'owner_id', type: 'varchar(32)' },
    { name: 'title', type: 'varchar(512)' },
    { name: 'slide_count', type: 'integer' },
    { name: 'is_published', type: 'boolean' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'published_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
    ...FIVETRAN_COLUMNS,
  ],
  product_events: [
    { name: 'event_id', type: 'varchar(64)' },
    { name: 'user_id', type: 'varchar(32)' },
    { name: 'anonymous_id', type: 'varchar(64)' },
    { name: 'event_name', type: 'varchar(64)' },
    { name: 'product', type: 'varchar(16)' },
    { name: 'platform', type: 'varchar(16)' },
    { name: 'properties', type: 'varchar(4096)' },
    { name: 'occurred_at', type: 'timestamp' },
    { name: 'received_at', type: 'timestamp' },
  ],
};

/**
 * DDL that (re)creates the raw schema and its tables. `drop ... cascade` also drops views built on
 * the tables (dbt rebuilds them), so the statements can be replayed on a used warehouse.
 *
 * @example
 * rawTablesDdl('raw')[0]; // 'create schema if not exists raw'
 */
export function rawTablesDdl(schema: string): string[] {
  const statements = [`create schema if not exists ${schema}`];
  for (const table of RAW_TABLE_NAMES) {
    const columns = RAW_TABLE_COLUMNS[table].map((column) => `    ${column.name} ${column.type}`).join(',\n');
    statements.push(`drop table if exists ${schema}.${table} cascade`);
    statements.push(`create table ${schema}.${table} (\n${columns}\n)`);
  }
  return statements;
}
