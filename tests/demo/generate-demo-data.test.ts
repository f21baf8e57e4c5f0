import {
  DEFAULT_DEMO_VOLUMES,
  DemoDataset,
  fixPlantedIssueSql,
  generateDemoData,
  generateNewSyncBatch,
  MAX_DEMO_STATEMENT_BYTES,
} from '../../src/demo/generate-demo-data';
import { DemoDataError } from '../../src/demo/sql-values';
import { runInPGlite } from './support/run-in-pglite';

const asOf = new Date('2026-11-15T00:00:00Z');
const windowStart = '2026-10-16 00:00:00';
const ACCEPTED_TRANSFER_STATUSES = ['active', 'deleted', 'downloaded', 'expired', 'uploading'];

describe('Function: generateDemoData', () => {
  let clean: DemoDataset;

  beforeAll(() => {
    clean = generateDemoData({ asOf });
  });

  it('produces byte-identical SQL for the same options', () => {
    const again = generateDemoData({ asOf });

    expect(again.ddl).toEqual(clean.ddl);
    expect(again.inserts).toEqual(clean.inserts);
  });

  it('produces different data for a different seed', () => {
    expect(generateDemoData({ asOf, seed: 7 }).inserts).not.toEqual(clean.inserts);
  });

  it('generates the default volumes', () => {
    expect(clean.rowCounts).toEqual({
      users: DEFAULT_DEMO_VOLUMES.users,
      transfers: DEFAULT_DEMO_VOLUMES.transfers,
      boards: DEFAULT_DEMO_VOLUMES.boards,
      decks: DEFAULT_DEMO_VOLUMES.decks,
      product_events: DEFAULT_DEMO_VOLUMES.productEvents,
    });
    expect(clean.plantedIssue).toBeNull();
  });

  it('keeps every statement under the Data API limit and the requested bound', () => {
    for (const sql of [...clean.ddl, ...clean.inserts]) {
      expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(64 * 1024);
    }
    const small = generateDemoData({ asOf, maxStatementBytes: 8 * 1024, volumes: { productEvents: 500 } });
    for (const sql of small.inserts) expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(8 * 1024);
  });

  it('writes into the requested schema', () => {
    const data = generateDemoData({ asOf, schema: 'landing', volumes: { productEvents: 10 } });

    expect(data.ddl[0]).toBe('create schema if not exists landing');
    expect(data.inserts.every((sql) => sql.startsWith('insert into landing.'))).toBe(true);
  });

  it('writes no misspelled status when no issue is planted', () => {
    expect(clean.inserts.join('\n')).not.toContain("'expird'");
  });

  it('plants exactly one misspelled status and changes nothing else', () => {
    const planted = generateDemoData({ asOf, plantDataQualityIssue: true });
    const sql = planted.inserts.join('\n');

    expect(sql.match(/'expird'/g)).toHaveLength(1);
    expect(sql).toContain(`('${planted.plantedIssue?.rowId}', `);
    expect(sql.replace("'expird'", "'expired'")).toBe(clean.inserts.join('\n'));
    expect(planted.plantedIssue).toMatchObject({
      table: 'transfers',
      column: 'status',
      badValue: 'expird',
      correctValue: 'expired',
      caughtBy: { model: 'stg_wetransfer_app_db__transfers', column: 'status', test: 'accepted_values' },
    });
  });

  it('rejects invalid options', () => {
    expect(() => generateDemoData({ asOf: new Date('nope') })).toThrow(DemoDataError);
    expect(() => generateDemoData({ asOf, schema: 'raw; drop table x' })).toThrow(/schema/);
    expect(() => generateDemoData({ asOf, seed: Number.NaN })).toThrow(/seed/);
    expect(() => generateDemoData({ asOf, maxStatementBytes: MAX_DEMO_STATEMENT_BYTES + 1 })).toThrow(
      /maxStatementBytes/,
    );
  });
});

describe('Demo data loaded into PostgreSQL (PGlite)', () => {
  const invalidStatusCount = `select count(*)::int as value from raw.transfers where status not in (${ACCEPTED_TRANSFER_STATUSES.map((status) => `'${status}'`).join(', ')})`;
  let updatedIds: string[];
  let results: Record<string, Record<string, unknown>[]>;
  const value = (label: string) => results[label][0].value;

  beforeAll(async () => {
    const planted = generateDemoData({ asOf, plantDataQualityIssue: true });
    const firstBatch = generateNewSyncBatch({ asOf, batchNumber: 1 });
    const secondBatch = generateNewSyncBatch({ asOf, batchNumber: 2 });
    updatedIds = [...firstBatch.updatedTransferIds, ...secondBatch.updatedTransferIds];
    results = await runInPGlite([
      { exec: [...planted.ddl, ...planted.inserts] },
      { label: 'users', query: 'select count(*)::int as value from raw.users' },
      { label: 'transfers', query: 'select count(*)::int as value from raw.transfers' },
      { label: 'boards', query: 'select count(*)::int as value from raw.boards' },
      { label: 'decks', query: 'select count(*)::int as value from raw.decks' },
      { label: 'events', query: 'select count(*)::int as value from raw.product_events' },
      { label: 'apostropheNames', query: "select count(*)::int as value from raw.users where full_name like '%O''Brien%'" },
      { label: 'quotedTitles', query: `select count(*)::int as value from raw.boards where title = 'Q3 "launch" assets'` },
      { label: 'possessiveTitles', query: "select count(*)::int as value from raw.boards where title like '%''s wedding inspo'" },
      { label: 'nonAsciiNames', query: "select count(*)::int as value from raw.users where full_name like '%ë%' or full_name like 'Ł%'" },
      { label: 'distinctTransferIds', query: 'select count(distinct id)::int as value from raw.transfers' },
      { label: 'distinctEventIds', query: 'select count(distinct event_id)::int as value from raw.product_events' },
      {
        label: 'orphanTransfers',
        query: 'select count(*)::int as value from raw.transfers t left join raw.users u on u.id = t.sender_id where u.id is null',
      },
      {
        label: 'orphanEvents',
        query:
          'select count(*)::int as value from raw.product_events e left join raw.users u on u.id = e.user_id where e.user_id is not null and u.id is null',
      },
      {
        label: 'eventRange',
        query:
          "select to_char(min(occurred_at), 'YYYY-MM-DD HH24:MI:SS') as first, to_char(max(occurred_at), 'YYYY-MM-DD HH24:MI:SS') as last from raw.product_events",
      },
      {
        label: 'transfersBeforeSignup',
        query: 'select count(*)::int as value from raw.transfers t join raw.users u on u.id = t.sender_id where t.created_at < u.signed_up_at',
      },
      { label: 'expiresBeforeCreated', query: 'select count(*)::int as value from raw.transfers where expires_at < created_at' },
      { label: 'downloadedBeforeCreated', query: 'select count(*)::int as value from raw.transfers where first_downloaded_at < created_at' },
      {
        label: 'expiredInFuture',
        query: "select count(*)::int as value from raw.transfers where status = 'expired' and expires_at > '2026-11-15'",
      },
      { label: 'invalidStatusBeforeFix', query: invalidStatusCount },
      { exec: [fixPlantedIssueSql()] },
      { label: 'invalidStatusAfterFix', query: invalidStatusCount },
      { exec: [...firstBatch.statements, ...secondBatch.statements] },
      { label: 'transfersAfterSync', query: 'select count(*)::int as value from raw.transfers' },
      { label: 'distinctTransferIdsAfterSync', query: 'select count(distinct id)::int as value from raw.transfers' },
      { label: 'distinctUserIdsAfterSync', query: 'select count(distinct id)::int as value from raw.users' },
      { label: 'distinctEventIdsAfterSync', query: 'select count(distinct event_id)::int as value from raw.product_events' },
      {
        label: 'downloadedAfterSync',
        query: `select count(*)::int as value from raw.transfers where status = 'downloaded' and id in (${updatedIds.map((id) => `'${id}'`).join(', ')})`,
      },
      { label: 'createdAfterLastSync', query: "select count(*)::int as value from raw.transfers where created_at >= '2026-11-15 02:00:00'" },
    ]);
  });

  it('loads every row', () => {
    expect([value('users'), value('transfers'), value('boards'), value('decks'), value('events')]).toEqual([
      200, 2_000, 300, 300, 20_000,
    ]);
  });

  it('round-trips quotes and non-ASCII text through the escaping', () => {
    expect(value('apostropheNames')).toBeGreaterThan(0);
    expect(value('quotedTitles')).toBeGreaterThan(0);
    expect(value('possessiveTitles')).toBeGreaterThan(0);
    expect(value('nonAsciiNames')).toBeGreaterThan(0);
  });

  it('keeps ids unique and references valid', () => {
    expect(value('distinctTransferIds')).toBe(2_000);
    expect(value('distinctEventIds')).toBe(20_000);
    expect(value('orphanTransfers')).toBe(0);
    expect(value('orphanEvents')).toBe(0);
  });

  it('places activity in the 30 days before asOf and never before the user signed up', () => {
    const [{ first, last }] = results.eventRange as { first: string; last: string }[];

    expect(first >= windowStart).toBe(true);
    expect(last < '2026-11-15 00:00:00').toBe(true);
    expect(value('transfersBeforeSignup')).toBe(0);
  });

  it('keeps transfer lifecycles consistent', () => {
    expect(value('expiresBeforeCreated')).toBe(0);
    expect(value('downloadedBeforeCreated')).toBe(0);
    expect(value('expiredInFuture')).toBe(0);
  });

  it('shows the planted issue to an accepted_values check, and the fix removes it', () => {
    expect(value('invalidStatusBeforeFix')).toBe(1);
    expect(value('invalidStatusAfterFix')).toBe(0);
  });

  it('applies new sync batches on top of the base data without reusing ids', () => {
    expect(value('transfersAfterSync')).toBe(2_080);
    expect(value('distinctTransferIdsAfterSync')).toBe(2_080);
    expect(value('distinctUserIdsAfterSync')).toBe(204);
    expect(value('distinctEventIdsAfterSync')).toBe(20_800);
    expect(value('downloadedAfterSync')).toBe(updatedIds.length);
    expect(value('createdAfterLastSync')).toBe(0);
  });
});

describe('Function: generateNewSyncBatch', () => {
  it('is deterministic and timestamps the sync batchNumber hours after asOf', () => {
    const batch = generateNewSyncBatch({ asOf, batchNumber: 3 });

    expect(generateNewSyncBatch({ asOf, batchNumber: 3 })).toEqual(batch);
    expect(batch.syncedAt.toISOString()).toBe('2026-11-15T03:00:00.000Z');
    expect(batch.newRowCounts).toEqual({ users: 2, transfers: 40, boards: 0, decks: 0, product_events: 400 });
  });

  it('never updates the same transfer in two batches', () => {
    const first = generateNewSyncBatch({ asOf, batchNumber: 1 });
    const second = generateNewSyncBatch({ asOf, batchNumber: 2 });

    expect(first.updatedTransferIds.length).toBeGreaterThan(0);
    expect(first.updatedTransferIds.filter((id) => second.updatedTransferIds.includes(id))).toEqual([]);
  });

  it('rejects a batch number that is not a positive integer', () => {
    expect(() => generateNewSyncBatch({ asOf, batchNumber: 0 })).toThrow(DemoDataError);
  });
});

describe('Function: fixPlantedIssueSql', () => {
  it('targets the raw schema by default and the given schema otherwise', () => {
    expect(fixPlantedIssueSql()).toBe("update raw.transfers set status = 'expired' where status = 'expird'");
    expect(fixPlantedIssueSql({ schema: 'landing' })).toContain('update landing.transfers');
  });
});
