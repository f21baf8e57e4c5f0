/**
 * Deterministic demo data for the `landfall_demo` dbt project (dbt/): users, WeTransfer transfers,
 * Collect boards, Paste decks and a product event stream, covering the days before `asOf`.
 *
 * Everything is derived from a seeded PRNG, so the same options always produce the same SQL. The output
 * is plain SQL text (DDL plus multi-row INSERTs, each statement well under the Redshift Data API's
 * 100 KB limit) that runs on PostgreSQL, PGlite and Redshift. The rows are made in demo-app-rows.ts and
 * demo-product-events.ts, the planted issue in planted-issue.ts; the public shapes are in demo-data-types.ts.
 */
import { BOARD_TITLES, DECK_TITLES, firstName, makeTransfer, makeUser, pad, randomTimeAfterSignup, weightedUserPicker, type BoardRow, type DeckRow, type TransferRow, type UserRow } from './demo-app-rows';
import type { DemoDataOptions, DemoDataset, NewSyncBatch, NewSyncBatchOptions } from './demo-data-types';
import { makeProductEvents, type ProductEventRow } from './demo-product-events';
import { deriveSeed, resolveSettings, type Settings } from './demo-settings';
import { addDays, DAY_MS, HOUR_MS, randomTimeBetween, syncTimeAfter, type TimeWindow } from './demo-time';
import { plantInvalidTransferStatus } from './planted-issue';
import { RAW_TABLE_COLUMNS, RAW_TABLE_NAMES, RawTableName, rawTablesDdl } from './raw-tables';
import { createSeededRandom } from './seeded-random';
import { buildInsertStatements, DemoDataError, sqlLiteral, SqlValue } from './sql-values';

export * from './demo-data-types';
export { fixPlantedIssueSql, plantIssueInTransferSql } from './planted-issue';

const SYNC_BATCH_SIZES = { users: 2, transfers: 40, transferUpdates: 10, productEvents: 400 } as const;

interface RawRows {
  users: UserRow[];
  transfers: TransferRow[];
  boards: BoardRow[];
  decks: DeckRow[];
  product_events: ProductEventRow[];
}

/**
 * Generates the base demo data set: DDL for the raw tables and INSERTs for every row.
 *
 * @example
 * const data = generateDemoData({ asOf: new Date('2026-11-15T00:00:00Z') });
 * for (const sql of [...data.ddl, ...data.inserts]) await client.query(sql);
 * data.rowCounts.transfers; // 2000
 */
export function generateDemoData(options: DemoDataOptions): DemoDataset {
  const settings = resolveSettings(options);
  const rows = generateRawRows(settings);
  const plantedIssue = settings.plantDataQualityIssue ? plantInvalidTransferStatus(rows.transfers) : null;

  return {
    schema: settings.schema,
    ddl: rawTablesDdl(settings.schema),
    inserts: RAW_TABLE_NAMES.flatMap((table) =>
      insertStatements(settings, table, rows[table] as unknown as Record<string, SqlValue>[]),
    ),
    rowCounts: countRows(rows),
    plantedIssue,
  };
}

/**
 * Generates the rows of one loader sync after the base data (for the webhook arrival in the demo): a
 * few new users, new transfers and product events in the hour ending at `syncedAt`, and transfers that
 * were `active` and got downloaded. Successive batch numbers never reuse ids or updated transfers.
 *
 * @example
 * const batch = generateNewSyncBatch({ asOf, batchNumber: 1 });
 * for (const sql of batch.statements) await client.query(sql);
 */
export function generateNewSyncBatch(options: NewSyncBatchOptions): NewSyncBatch {
  const settings = resolveSettings(options);
  const batchNumber = options.batchNumber ?? 1;
  if (!Number.isInteger(batchNumber) || batchNumber < 1) {
    throw new DemoDataError(`batchNumber must be a positive integer, got ${batchNumber}`);
  }
  const base = generateRawRows(settings);
  const random = createSeededRandom(deriveSeed(settings.seed, 100 + batchNumber));
  const windowStart = new Date(settings.asOf.getTime() + (batchNumber - 1) * HOUR_MS);
  const syncedAt = new Date(settings.asOf.getTime() + batchNumber * HOUR_MS);
  const window = { start: windowStart, end: syncedAt };

  const newUsers = Array.from({ length: SYNC_BATCH_SIZES.users }, (_, index) =>
    makeUser(random, base.users.length + (batchNumber - 1) * SYNC_BATCH_SIZES.users + index + 1, window, syncedAt),
  );
  const senders = [...base.users, ...newUsers];
  const pickSender = weightedUserPicker(random, senders);
  const newTransfers = Array.from({ length: SYNC_BATCH_SIZES.transfers }, (_, index) =>
    makeTransfer(
      random,
      base.transfers.length + (batchNumber - 1) * SYNC_BATCH_SIZES.transfers + index + 1,
      pickSender(),
      window,
      syncedAt,
    ),
  );

  const updates = downloadedInBatch(settings, base.transfers, batchNumber, window);
  const updateStatements = updates.map(
    ({ id, downloadedAt }) =>
      `update ${settings.schema}.transfers set status = 'downloaded', ` +
      `first_downloaded_at = ${sqlLiteral(downloadedAt)}, updated_at = ${sqlLiteral(downloadedAt)}, ` +
      `_fivetran_synced = ${sqlLiteral(syncedAt)} where id = ${sqlLiteral(id)}`,
  );

  const newEvents = makeProductEvents(random, {
    users: senders,
    transfers: newTransfers,
    boards: [],
    decks: [],
    count: SYNC_BATCH_SIZES.productEvents,
    window,
  });

  const newRows: RawRows = { users: newUsers, transfers: newTransfers, boards: [], decks: [], product_events: newEvents };
  return {
    syncedAt,
    statements: [
      ...RAW_TABLE_NAMES.flatMap((table) =>
        insertStatements(settings, table, newRows[table] as unknown as Record<string, SqlValue>[]),
      ),
      ...updateStatements,
    ],
    newRowCounts: countRows(newRows),
    updatedTransferIds: updates.map((update) => update.id),
  };
}

function generateRawRows(settings: Settings): RawRows {
  const { asOf, volumes, seed } = settings;
  const window = { start: new Date(asOf.getTime() - volumes.days * DAY_MS), end: asOf };

  const userRandom = createSeededRandom(deriveSeed(seed, 1));
  const users = Array.from({ length: volumes.users }, (_, index) => {
    const signupWindow = userRandom.chance(0.85)
      ? { start: new Date(asOf.getTime() - 730 * DAY_MS), end: window.start }
      : window;
    return makeUser(userRandom, index + 1, signupWindow, asOf);
  });

  const transferRandom = createSeededRandom(deriveSeed(seed, 2));
  const pickSender = weightedUserPicker(transferRandom, users);
  const transfers = Array.from({ length: volumes.transfers }, (_, index) =>
    makeTransfer(transferRandom, index + 1, pickSender(), window, asOf),
  );

  const boardRandom = createSeededRandom(deriveSeed(seed, 3));
  const pickBoardOwner = weightedUserPicker(boardRandom, users);
  const boards = Array.from({ length: volumes.boards }, (_, index) => {
    const owner = pickBoardOwner();
    const createdAt = randomTimeAfterSignup(boardRandom, owner, { start: addDays(asOf, -180), end: asOf });
    const updatedAt = randomTimeBetween(boardRandom, createdAt, asOf);
    return {
      id: `brd_${pad(index + 1)}`,
      owner_id: owner.id,
      title: boardRandom.pick(BOARD_TITLES)(firstName(owner)),
      visibility: boardRandom.weighted({ private: 0.5, shared: 0.35, public: 0.15 }),
      item_count: Math.min(2000, 1 + Math.floor(boardRandom.logNormal(2.5, 1))),
      created_at: createdAt,
      updated_at: updatedAt,
      _fivetran_synced: syncTimeAfter(boardRandom, updatedAt, asOf),
      _fivetran_deleted: false,
    };
  });

  const deckRandom = createSeededRandom(deriveSeed(seed, 4));
  const pickDeckOwner = weightedUserPicker(deckRandom, users);
  const decks = Array.from({ length: volumes.decks }, (_, index) => {
    const owner = pickDeckOwner();
    const createdAt = randomTimeAfterSignup(deckRandom, owner, { start: addDays(asOf, -180), end: asOf });
    const publishedAt = deckRandom.chance(0.45) ? randomTimeBetween(deckRandom, createdAt, asOf) : null;
    const updatedAt = publishedAt ?? randomTimeBetween(deckRandom, createdAt, asOf);
    return {
      id: `dck_${pad(index + 1)}`,
      owner_id: owner.id,
      title: deckRandom.pick(DECK_TITLES)(firstName(owner)),
      slide_count: deckRandom.int(1, 60),
      is_published: publishedAt !== null,
      created_at: createdAt,
      published_at: publishedAt,
      updated_at: updatedAt,
      _fivetran_synced: syncTimeAfter(deckRandom, updatedAt, asOf),
      _fivetran_deleted: false,
    };
  });

  const product_events = makeProductEvents(createSeededRandom(deriveSeed(seed, 5)), {
    users,
    transfers,
    boards,
    decks,
    count: volumes.productEvents,
    window,
  });

  return { users, transfers, boards, decks, product_events };
}

/**
 * Base transfers that were `active` and get downloaded during this batch's window. The active transfers
 * are shuffled once per seed and batch N takes the N-th slice, so batches never update the same transfer;
 * transfers that expire before the window ends are left out of their slice.
 */
function downloadedInBatch(
  settings: Settings,
  transfers: readonly TransferRow[],
  batchNumber: number,
  window: TimeWindow,
): { id: string; downloadedAt: Date }[] {
  const active = transfers.filter((transfer) => transfer.status === 'active');
  const shuffleRandom = createSeededRandom(deriveSeed(settings.seed, 99));
  for (let index = active.length - 1; index > 0; index--) {
    const other = shuffleRandom.int(0, index);
    [active[index], active[other]] = [active[other], active[index]];
  }
  const size = SYNC_BATCH_SIZES.transferUpdates;
  const downloadRandom = createSeededRandom(deriveSeed(settings.seed, 200 + batchNumber));
  return active
    .slice((batchNumber - 1) * size, batchNumber * size)
    .filter((transfer) => transfer.expires_at > window.end)
    .map((transfer) => ({ id: transfer.id, downloadedAt: randomTimeBetween(downloadRandom, window.start, window.end) }));
}

function insertStatements(settings: Settings, table: RawTableName, rows: readonly Record<string, SqlValue>[]): string[] {
  const columns = RAW_TABLE_COLUMNS[table].map((column) => column.name);
  return buildInsertStatements(
    `${settings.schema}.${table}`,
    columns,
    rows.map((row) => columns.map((column) => row[column] ?? null)),
    settings.maxStatementBytes,
  );
}

function countRows(rows: RawRows): Record<RawTableName, number> {
  return Object.fromEntries(RAW_TABLE_NAMES.map((table) => [table, rows[table].length])) as Record<RawTableName, number>;
}
