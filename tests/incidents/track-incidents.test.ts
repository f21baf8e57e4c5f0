import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_ALERT_POLICY, emptyBook, type IncidentBook, type Notice, type Observation } from '../../src/incidents/incident';
import { updateBook } from '../../src/incidents/incident-store';
import { DynamoDbIncidentStore } from '../../src/incidents/incident-store-dynamodb';
import { nextDigestTime, trackIncidents } from '../../src/incidents/track-incidents';
import { startLocalDynamoDbClient } from '../local/aws/support';

const obs = (key: string, failing: boolean, extra: Partial<Observation> = {}): Observation => ({
  key, kind: 'test', name: key, failing, severity: 'error', owners: [], tags: [], ...extra,
});
const hour = (h: number) => new Date(Date.UTC(2026, 11, 1) + h * 3600_000);

function replay(steps: [number, Observation[]][]): { notices: (Notice & { at: number })[]; book: IncidentBook } {
  let book = emptyBook();
  const notices: (Notice & { at: number })[] = [];
  for (const [h, observations] of steps) {
    const result = trackIncidents(book, observations, hour(h), DEFAULT_ALERT_POLICY);
    book = result.book;
    notices.push(...result.notices.map((n) => ({ ...n, at: h })));
  }
  return { notices, book };
}

describe('trackIncidents', () => {
  it('emails the first failure, one reminder a day, and the resolution — not every run', () => {
    const steps: [number, Observation[]][] = [];
    for (let h = 0; h < 72; h++) steps.push([h, [obs('t1', h >= 10 && h < 60)]]);
    const { notices } = replay(steps);
    expect(notices.map((n) => [n.kind, n.at])).toEqual([['alert', 10], ['reminder', 34], ['reminder', 58], ['alert', 60]]);
    const last = notices[3] as Extract<Notice, { kind: 'alert' }>;
    expect(last.resolved.map((i) => i.key)).toEqual(['t1']);
    expect(last.opened).toEqual([]);
  });

  it('lists every open incident in the reminder, and a new failure counts as the reminder', () => {
    const { notices } = replay([[0, [obs('a', true)]], [5, [obs('b', true)]], [28, [obs('a', true)]], [29, []], [30, []]]);
    expect(notices.map((n) => [n.kind, n.at])).toEqual([['alert', 0], ['alert', 5], ['reminder', 29]]);
    expect((notices[1] as Extract<Notice, { kind: 'alert' }>).stillOpen.map((i) => i.key)).toEqual(['a']);
    expect((notices[2] as Extract<Notice, { kind: 'reminder' }>).stillOpen.map((i) => i.key)).toEqual(['a', 'b']);
  });

  it('sends warn-level failures only in the daily digest, with what resolved since', () => {
    const steps: [number, Observation[]][] = [];
    for (let h = 0; h < 50; h++) steps.push([h, [obs('w', h < 30, { severity: 'warn' })]]);
    const { notices } = replay(steps);
    expect(notices.map((n) => [n.kind, n.at])).toEqual([['digest', 8], ['digest', 32]]);
    const second = notices[1] as Extract<Notice, { kind: 'digest' }>;
    expect(second.open).toEqual([]);
    expect(second.resolved.map((i) => i.key)).toEqual(['w']);
  });

  it('never emails a muted node, and a flapping node inside its suppression interval reopens silently', () => {
    const muted = replay([[0, [obs('m', true, { muted: true })]], [30, [obs('m', true, { muted: true })]], [31, [obs('m', false)]]]);
    expect(muted.notices).toEqual([]);
    const flapping = replay([[0, [obs('f', true, { suppressionHours: 6 })]], [1, [obs('f', false)]], [2, [obs('f', true, { suppressionHours: 6 })]], [3, [obs('f', false)]], [10, [obs('f', true, { suppressionHours: 6 })]]]);
    expect(flapping.notices.map((n) => [n.kind, n.at])).toEqual([['alert', 0], ['alert', 1], ['alert', 10]]);
  });

  it('escalates a warn incident that starts failing at error severity', () => {
    const { notices } = replay([[0, [obs('x', true, { severity: 'warn' })]], [1, [obs('x', true)]]]);
    expect(notices.map((n) => n.kind)).toEqual(['alert']);
  });

  it('puts the digest at the next digest hour', () => {
    expect(nextDigestTime(new Date('2026-12-01T08:00:00Z'), 8).toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(nextDigestTime(new Date('2026-12-01T07:59:00Z'), 8).toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });
});

describe('DynamoDbIncidentStore on the local DynamoDB endpoint', () => {
  let client: DynamoDBClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ client, close } = await startLocalDynamoDbClient(['incidents'])));
  afterAll(() => close());

  it('keeps the book between runs and refuses a save over a newer version', async () => {
    const store = new DynamoDbIncidentStore(client, 'incidents', 'demo');
    const notices = await updateBook(store, (book) => {
      const r = trackIncidents(book, [obs('t', true)], hour(0), DEFAULT_ALERT_POLICY);
      return { book: r.book, result: r.notices };
    });
    expect(notices.map((n) => n.kind)).toEqual(['alert']);
    const loaded = await store.load();
    expect(Object.keys(loaded.book.open)).toEqual(['t']);
    expect(await store.save(loaded.book, loaded.version - 1)).toBe(false);
    expect(await store.save(loaded.book, loaded.version)).toBe(true);
    const again = await updateBook(store, (book) => {
      const r = trackIncidents(book, [obs('t', true)], hour(1), DEFAULT_ALERT_POLICY);
      return { book: r.book, result: r.notices };
    });
    expect(again).toEqual([]);
  });
});
