/**
 * Deterministic demo data for the `landfall_demo` dbt project (dbt/): users, WeTransfer transfers,
 * Collect boards, Paste decks and a product event stream, covering the days before `asOf`.
 *
 * Everything is derived from a seeded PRNG, so the same options always produce the same SQL. The output
 * is plain SQL text (DDL plus multi-row INSERTs, each statement well under the Redshift Data API's
 * 100 KB limit) that runs on PostgreSQL, PGlite and Redshift.
 */
import { RAW_TABLE_COLUMNS, RAW_TABLE_NAMES, RawTableName, rawTablesDdl } from './raw-tables';
import { createSeededRandom, SeededRandom } from './seeded-random';
import { buildInsertStatements, DemoDataError, sqlLiteral, SqlValue } from './sql-values';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const GIB = 1024 ** 3;

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

const PLANTED_BAD_STATUS = 'expird';
const PLANTED_CORRECT_STATUS = 'expired';

const SYNC_BATCH_SIZES = { users: 2, transfers: 40, transferUpdates: 10, productEvents: 400 } as const;

const PLANS = { free: 0.7, starter: 0.12, ultimate: 0.1, teams: 0.08 } as const;
type PlanId = keyof typeof PLANS;

const PLAN_RULES: Record<PlanId, { expiryDays: number; maxTransferBytes: number; activity: number }> = {
  free: { expiryDays: 7, maxTransferBytes: 2 * GIB, activity: 1 },
  starter: { expiryDays: 28, maxTransferBytes: 20 * GIB, activity: 1.8 },
  ultimate: { expiryDays: 28, maxTransferBytes: 200 * GIB, activity: 2.5 },
  teams: { expiryDays: 28, maxTransferBytes: 200 * GIB, activity: 3 },
};

const FIRST_NAMES = [
  'Anna', 'Bram', 'Chloé', 'Daan', 'Emma', 'Finn', 'Grace', 'Hugo', 'Isabel', 'Jonas', 'Kenji', 'Lucía',
  'Mateo', 'Noor', 'Olivia', 'Pieter', 'Renée', 'Sanne', 'Siobhán', 'Tomás', 'Zoë', 'Łukasz', 'Aiko', 'Ravi',
];
const LAST_NAMES = [
  "O'Brien", "D'Souza", 'van der Berg', 'Müller', 'Nakamura', 'de Vries', 'García', 'Smith', 'Jansen',
  'Kowalski', 'Rossi', 'Dubois', 'Okafor', 'Silva', 'Bakker', "O'Neill", 'Patel', 'Larsen',
];
const EMAIL_DOMAINS = ['example.com', 'studio.example', 'agency.example', 'mail.example'];
const COUNTRIES = { NL: 0.2, US: 0.22, GB: 0.12, DE: 0.1, FR: 0.08, BR: 0.07, IN: 0.07, ES: 0.05, IT: 0.05, JP: 0.04 };
const BOARD_TITLES = [
  (name: string) => `${name}'s wedding inspo`,
  () => 'Moodboard – spring campaign',
  () => 'Q3 "launch" assets',
  () => 'Brand refresh 2026',
  () => 'Photo picks — Lisbon',
  (name: string) => `References for ${name}`,
  () => "Client's favourites; round 2",
];
const DECK_TITLES = [
  () => 'Pitch deck v3',
  (name: string) => `${name}'s quarterly review`,
  () => 'Portfolio 2026',
  () => 'Product roadmap (draft)',
  () => 'Workshop: "What users want"',
];

const PRODUCTS = { wetransfer: 0.6, collect: 0.2, paste: 0.2 } as const;
type Product = keyof typeof PRODUCTS;
const PLATFORMS = { web: 0.55, desktop: 0.15, ios: 0.18, android: 0.12 } as const;
const BACKGROUND_EVENTS: Record<Product, Record<string, number>> = {
  wetransfer: { session_started: 0.45, transfer_downloaded: 0.35, upgrade_clicked: 0.05, transfer_viewed: 0.15 },
  collect: { session_started: 0.4, board_item_added: 0.45, board_shared: 0.15 },
  paste: { session_started: 0.4, deck_viewed: 0.45, deck_published: 0.15 },
};
/** Events that visitors without an account (transfer recipients, deck viewers) also trigger. */
const ANONYMOUS_EVENTS = new Set(['transfer_downloaded', 'transfer_viewed', 'deck_viewed']);

interface UserRow {
  id: string;
  email: string;
  full_name: string;
  country_code: string;
  plan_id: PlanId;
  signed_up_at: Date;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

interface TransferRow {
  id: string;
  sender_id: string;
  transfer_type: string;
  status: string;
  file_count: number;
  recipient_count: number;
  size_bytes: number;
  created_at: Date;
  expires_at: Date;
  first_downloaded_at: Date | null;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

interface BoardRow {
  id: string;
  owner_id: string;
  title: string;
  visibility: string;
  item_count: number;
  created_at: Date;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

interface DeckRow {
  id: string;
  owner_id: string;
  title: string;
  slide_count: number;
  is_published: boolean;
  created_at: Date;
  published_at: Date | null;
  updated_at: Date;
  _fivetran_synced: Date;
  _fivetran_deleted: boolean;
}

interface ProductEventRow {
  event_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  event_name: string;
  product: Product;
  platform: string;
  properties: string;
  occurred_at: Date;
  received_at: Date;
}

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
 * SQL that repairs the issue planted by `plantDataQualityIssue` (the misspelled transfer status), as an
 * engineer would after the alert. Running it on clean data changes nothing.
 *
 * @example
 * await client.query(fixPlantedIssueSql()); // update raw.transfers set status = 'expired' where status = 'expird'
 */
export function fixPlantedIssueSql(options: { schema?: string } = {}): string {
  const schema = options.schema ?? 'raw';
  return (
    `update ${schema}.transfers set status = ${sqlLiteral(PLANTED_CORRECT_STATUS)} ` +
    `where status = ${sqlLiteral(PLANTED_BAD_STATUS)}`
  );
}

/**
 * SQL that plants the same issue in one transfer of a later sync, as the buggy release would when it
 * updates a transfer: the demo's arrival carries it.
 *
 * @example
 * plantIssueInTransferSql('tr_002001') // update raw.transfers set status = 'expird' where id = 'tr_002001'
 */
export function plantIssueInTransferSql(transferId: string, options: { schema?: string } = {}): string {
  const schema = options.schema ?? 'raw';
  return `update ${schema}.transfers set status = ${sqlLiteral(PLANTED_BAD_STATUS)} where id = ${sqlLiteral(transferId)}`;
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

interface Settings {
  asOf: Date;
  seed: number;
  schema: string;
  plantDataQualityIssue: boolean;
  volumes: DemoDataVolumes;
  maxStatementBytes: number;
}

interface TimeWindow {
  start: Date;
  end: Date;
}

function resolveSettings(options: DemoDataOptions): Settings {
  if (!(options.asOf instanceof Date) || Number.isNaN(options.asOf.getTime())) {
    throw new DemoDataError('asOf must be a valid Date');
  }
  const schema = options.schema ?? 'raw';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new DemoDataError(`schema must be a lowercase SQL identifier, got ${JSON.stringify(schema)}`);
  }
  const maxStatementBytes = options.maxStatementBytes ?? 64 * 1024;
  if (maxStatementBytes > MAX_DEMO_STATEMENT_BYTES) {
    throw new DemoDataError(`maxStatementBytes must be at most ${MAX_DEMO_STATEMENT_BYTES}, got ${maxStatementBytes}`);
  }
  const seed = options.seed ?? 42;
  if (!Number.isInteger(seed)) throw new DemoDataError(`seed must be an integer, got ${seed}`);
  const volumes = { ...DEFAULT_DEMO_VOLUMES, ...options.volumes };
  if (volumes.users < 1) throw new DemoDataError('volumes.users must be at least 1');
  return {
    // Whole seconds, so every timestamp written is exact.
    asOf: new Date(Math.floor(options.asOf.getTime() / 1000) * 1000),
    seed,
    schema,
    plantDataQualityIssue: options.plantDataQualityIssue ?? false,
    volumes,
    maxStatementBytes,
  };
}

/** One independent PRNG stream per table, so changing one table's volume leaves the others unchanged. */
function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream, 0xc2b2ae35)) >>> 0;
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

function makeUser(random: SeededRandom, sequence: number, signupWindow: TimeWindow, asOf: Date): UserRow {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const signedUpAt = randomTimeBetween(random, signupWindow.start, signupWindow.end);
  const updatedAt = randomTimeBetween(random, signedUpAt, asOf);
  return {
    id: `usr_${pad(sequence)}`,
    email: `${asciiSlug(first)}.${asciiSlug(last)}${sequence}@${random.pick(EMAIL_DOMAINS)}`,
    full_name: `${first} ${last}`,
    country_code: random.weighted(COUNTRIES),
    plan_id: random.weighted(PLANS),
    signed_up_at: signedUpAt,
    updated_at: updatedAt,
    _fivetran_synced: syncTimeAfter(random, updatedAt, asOf),
    _fivetran_deleted: false,
  };
}

/** A transfer created inside `window`; its lifecycle (download, expiry, deletion) is evaluated at `asOf`. */
function makeTransfer(
  random: SeededRandom,
  sequence: number,
  sender: UserRow,
  window: TimeWindow,
  asOf: Date,
): TransferRow {
  const rules = PLAN_RULES[sender.plan_id];
  const createdAt = randomTimeAfterSignup(random, sender, { start: window.start, end: addMinutes(window.end, -1) });
  const expiresAt = addDays(createdAt, rules.expiryDays);
  const transferType = random.chance(0.55) ? 'email' : 'link';
  const sizeBytes = Math.round(Math.min(rules.maxTransferBytes, Math.max(10_240, random.logNormal(18.8, 1.8))));
  const isUploading = asOf.getTime() - createdAt.getTime() < 10 * MINUTE_MS && random.chance(0.6);

  let firstDownloadedAt: Date | null = null;
  if (!isUploading && random.chance(0.8)) {
    const candidate = addMinutes(createdAt, Math.max(1, Math.round(random.logNormal(4.5, 1.4))));
    if (candidate < expiresAt && candidate < asOf) firstDownloadedAt = candidate;
  }

  let status: string;
  let updatedAt = firstDownloadedAt ?? createdAt;
  if (isUploading) {
    status = 'uploading';
  } else if (random.chance(0.03)) {
    status = 'deleted';
    updatedAt = randomTimeBetween(random, updatedAt, expiresAt < asOf ? expiresAt : asOf);
  } else if (expiresAt <= asOf) {
    status = 'expired';
    updatedAt = expiresAt;
  } else {
    status = firstDownloadedAt ? 'downloaded' : 'active';
  }

  return {
    id: `tr_${pad(sequence)}`,
    sender_id: sender.id,
    transfer_type: transferType,
    status,
    file_count: Math.min(500, 1 + Math.floor(random.logNormal(0.8, 1))),
    recipient_count: transferType === 'email' ? Math.min(20, 1 + Math.floor(random.logNormal(0, 0.9))) : 0,
    size_bytes: sizeBytes,
    created_at: createdAt,
    expires_at: expiresAt,
    first_downloaded_at: firstDownloadedAt,
    updated_at: updatedAt,
    _fivetran_synced: syncTimeAfter(random, updatedAt, asOf),
    _fivetran_deleted: false,
  };
}

interface EventSources {
  users: UserRow[];
  transfers: TransferRow[];
  boards: BoardRow[];
  decks: DeckRow[];
  count: number;
  window: TimeWindow;
}

/**
 * Events that mirror rows created inside the window (one `transfer_sent` per transfer, `board_created`,
 * `deck_created`), topped up to `count` with background activity from weighted users and anonymous visitors.
 */
function makeProductEvents(random: SeededRandom, sources: EventSources): ProductEventRow[] {
  const { window, count } = sources;
  const inWindow = (date: Date) => date >= window.start && date < window.end;
  const events: ProductEventRow[] = [];

  const addEvent = (
    product: Product,
    eventName: string,
    userId: string | null,
    occurredAt: Date,
    properties: Record<string, string | number>,
  ) => {
    const platform = random.weighted(PLATFORMS);
    const mobileDelay = platform === 'ios' || platform === 'android' ? random.chance(0.1) : false;
    const receivedAt = new Date(occurredAt.getTime() + (mobileDelay ? random.int(60, 7200) : random.int(1, 90)) * 1000);
    events.push({
      event_id: uuidFrom(random),
      user_id: userId,
      anonymous_id: userId === null ? `anon_${random.hex(16)}` : null,
      event_name: eventName,
      product,
      platform,
      properties: JSON.stringify(properties),
      occurred_at: occurredAt,
      received_at: receivedAt,
    });
  };

  for (const transfer of sources.transfers) {
    if (events.length >= count) break;
    if (!inWindow(transfer.created_at)) continue;
    addEvent('wetransfer', 'transfer_sent', transfer.sender_id, transfer.created_at, {
      transfer_id: transfer.id,
      file_count: transfer.file_count,
      size_bytes: transfer.size_bytes,
    });
  }
  for (const board of sources.boards) {
    if (events.length >= count) break;
    if (inWindow(board.created_at)) addEvent('collect', 'board_created', board.owner_id, board.created_at, { board_id: board.id });
  }
  for (const deck of sources.decks) {
    if (events.length >= count) break;
    if (inWindow(deck.created_at)) addEvent('paste', 'deck_created', deck.owner_id, deck.created_at, { deck_id: deck.id });
  }

  const pickUser = weightedUserPicker(random, sources.users);
  while (events.length < count) {
    const product = random.weighted(PRODUCTS);
    const eventName = random.weighted(BACKGROUND_EVENTS[product]);
    if (ANONYMOUS_EVENTS.has(eventName) && random.chance(0.4)) {
      addEvent(product, eventName, null, randomTimeBetween(random, window.start, window.end), { page: eventName });
      continue;
    }
    const user = pickUser();
    if (user.signed_up_at >= window.end) continue;
    addEvent(product, eventName, user.id, randomTimeAfterSignup(random, user, window), { page: eventName });
  }
  return events;
}

/** Users weighted by plan activity times a personal log-normal factor: a few power users, a long tail. */
function weightedUserPicker(random: SeededRandom, users: readonly UserRow[]): () => UserRow {
  const cumulative: number[] = [];
  let total = 0;
  for (const user of users) {
    total += PLAN_RULES[user.plan_id].activity * random.logNormal(0, 0.8);
    cumulative.push(total);
  }
  return () => {
    const roll = random.next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle] > roll) high = middle;
      else low = middle + 1;
    }
    return users[low];
  };
}

function plantInvalidTransferStatus(transfers: TransferRow[]): PlantedIssue {
  const victim = transfers.find((transfer) => transfer.status === PLANTED_CORRECT_STATUS);
  if (!victim) throw new DemoDataError('Cannot plant the data-quality issue: no expired transfer in the data set');
  victim.status = PLANTED_BAD_STATUS;
  return {
    description:
      `Transfer ${victim.id} has status '${PLANTED_BAD_STATUS}', a misspelling of '${PLANTED_CORRECT_STATUS}' ` +
      'written by a buggy release of the app.',
    table: 'transfers',
    rowId: victim.id,
    column: 'status',
    badValue: PLANTED_BAD_STATUS,
    correctValue: PLANTED_CORRECT_STATUS,
    caughtBy: {
      model: 'stg_wetransfer_app_db__transfers',
      column: 'status',
      test: 'accepted_values',
      dbtTestName:
        'accepted_values_stg_wetransfer_app_db__transfers_status__uploading__active__downloaded__expired__deleted',
    },
  };
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

function randomTimeBetween(random: SeededRandom, start: Date, end: Date): Date {
  const span = Math.max(0, end.getTime() - start.getTime());
  return new Date(Math.floor((start.getTime() + random.next() * span) / 1000) * 1000);
}

function randomTimeAfterSignup(random: SeededRandom, user: UserRow, window: TimeWindow): Date {
  const start = user.signed_up_at > window.start ? user.signed_up_at : window.start;
  return randomTimeBetween(random, start, window.end);
}

/** Fivetran picks a change up within its sync interval, never after the data set's end. */
function syncTimeAfter(random: SeededRandom, changedAt: Date, limit: Date): Date {
  const synced = addMinutes(changedAt, random.int(1, 30));
  return synced < limit ? synced : limit;
}

function uuidFrom(random: SeededRandom): string {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function firstName(user: UserRow): string {
  return user.full_name.split(' ')[0];
}

function asciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function pad(sequence: number): string {
  return String(sequence).padStart(6, '0');
}

function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * MINUTE_MS);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
