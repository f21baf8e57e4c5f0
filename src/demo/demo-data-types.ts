/** The demo data's public shapes: options, volumes and what the generators return. */
import type { RawTableName } from './raw-tables';

/** Statements the Redshift Data API accepts are at most 100 KB; the demo stays below 90 KB. */
export const MAX_DEMO_STATEMENT_BYTES = 90 * 1024;

/** How many rows of each kind the base data set holds. */
export interface DemoDataVolumes {
  users: number;
  transfers: number;
  boards: number;
  decks: number;
  productEvents: number;
  /** Length of the activity window that ends at `asOf`. */
  days: number;
}

export const DEFAULT_DEMO_VOLUMES: Readonly<DemoDataVolumes> = {
  users: 200,
  transfers: 2_000,
  boards: 300,
  decks: 300,
  productEvents: 20_000,
  days: 30,
};

export interface DemoDataOptions {
  /** End of the activity window (exclusive). Rows are timestamped before it. */
  asOf: Date;
  /** PRNG seed; the same seed and options give byte-identical SQL. Default 42. */
  seed?: number;
  /** Schema of the raw tables, matching the dbt var `raw_schema`. Default `raw`. */
  schema?: string;
  /** Plant one data-quality failure (see {@link PlantedIssue}) that a dbt test catches. Default false. */
  plantDataQualityIssue?: boolean;
  volumes?: Partial<DemoDataVolumes>;
  /** Upper bound for one INSERT statement in UTF-8 bytes. Default 64 KiB, at most {@link MAX_DEMO_STATEMENT_BYTES}. */
  maxStatementBytes?: number;
}

/** The one data-quality failure planted by `plantDataQualityIssue`, and the dbt test that catches it. */
export interface PlantedIssue {
  description: string;
  table: 'transfers';
  rowId: string;
  column: 'status';
  badValue: string;
  correctValue: string;
  /** The generic test that fails, and the node name dbt-core gives it. */
  caughtBy: { model: string; column: string; test: 'accepted_values'; dbtTestName: string };
}

export interface DemoDataset {
  schema: string;
  /** Creates the schema and (re)creates every raw table. */
  ddl: string[];
  /** Multi-row INSERTs, table by table. */
  inserts: string[];
  rowCounts: Record<RawTableName, number>;
  plantedIssue: PlantedIssue | null;
}

export interface NewSyncBatchOptions extends DemoDataOptions {
  /** 1 for the first sync after `asOf`, 2 for the next, … Each covers one hour after the previous. Default 1. */
  batchNumber?: number;
}

/** Rows a loader delivers in one sync after the base data: new rows plus updates of existing transfers. */
export interface NewSyncBatch {
  /** When this sync finished: `asOf` plus `batchNumber` hours. */
  syncedAt: Date;
  /** INSERTs of new rows, then one UPDATE per changed transfer. */
  statements: string[];
  newRowCounts: Record<RawTableName, number>;
  /** Transfers that were `active` and are now `downloaded`. */
  updatedTransferIds: string[];
}
