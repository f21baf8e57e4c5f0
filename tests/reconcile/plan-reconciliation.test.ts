import { planReconciliation, recordedObjectKey, type ReconcileInput } from '../../src/reconcile/plan-reconciliation';

const NOW = Date.parse('2026-12-05T08:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();
const base: ReconcileInput = { now: NOW, lastArrivals: {}, fivetran: [], dms: [], objects: [], recorded: new Set() };
const ids = (input: Partial<ReconcileInput>) => planReconciliation({ ...base, ...input }).arrivals.map((e) => ('arrivalId' in e.detail ? e.detail.arrivalId : ''));

describe('planReconciliation', () => {
  it('starts a Fivetran sync whose succeeded_at is newer than the last sync_end received, once the grace has passed', () => {
    const fivetran = [{ connectorId: 'app', succeededAt: minutesAgo(30) }];
    expect(ids({ fivetran })).toEqual([`fivetran:app@${minutesAgo(30)}`]);
    expect(ids({ fivetran, lastArrivals: { 'fivetran:app': minutesAgo(90) } })).toEqual([`fivetran:app@${minutesAgo(30)}`]);
    // The webhook came (its created a little after or before succeeded_at): nothing missed.
    expect(ids({ fivetran, lastArrivals: { 'fivetran:app': minutesAgo(29) } })).toEqual([]);
    expect(ids({ fivetran, lastArrivals: { 'fivetran:app': minutesAgo(33) } })).toEqual([]);
    // Too recent: its webhook may still be on its way.
    expect(ids({ fivetran: [{ connectorId: 'app', succeededAt: minutesAgo(2) }] })).toEqual([]);
  });

  it('starts a DMS task whose full load finished after its last arrival, with the identifier for routing', () => {
    const plan = planReconciliation({ ...base, dms: [{ arn: 'arn:aws:dms:eu-west-1:1:task:X', taskIdentifier: 'app-load', fullLoadFinishedAt: minutesAgo(60) }], lastArrivals: { 'dms:arn:aws:dms:eu-west-1:1:task:X': minutesAgo(600) } });
    expect(plan.arrivals.map((e) => e.detail)).toEqual([expect.objectContaining({ loader: 'dms', arrivalId: `dms:arn:aws:dms:eu-west-1:1:task:X:${minutesAgo(60)}`, connector: { taskArn: 'arn:aws:dms:eu-west-1:1:task:X', taskIdentifier: 'app-load' } })]);
  });

  it('starts S3 objects neither in the ledger nor quarantined nor skipped, with the event path\'s arrival id', () => {
    const object = (key: string, m = 30, size = 10) => ({ bucket: 'landing', key, etag: `e-${key}`, size, lastModified: minutesAgo(m) });
    const recorded = new Set([recordedObjectKey(object('p/loaded.json'))]);
    expect(ids({
      recorded,
      objects: [object('p/loaded.json'), object('p/missed.json'), object('p/processing-failed/x.json'), object('p/empty.json', 30, 0), object('p/fresh.json', 1)],
    })).toEqual(['s3:landing/p/missed.json@e-p/missed.json']);
  });

  it('raises "no data since" once, in the interval that crosses 3 × the cadence, never for a paused connector', () => {
    const silentAt = (m: number, paused = false) => planReconciliation({ ...base, fivetran: [{ connectorId: 'app', succeededAt: minutesAgo(m), syncFrequencyMinutes: 60, paused }], lastArrivals: { 'fivetran:app': minutesAgo(m) } }).silent;
    expect(silentAt(170)).toEqual([]);
    expect(silentAt(185)).toEqual([{ loader: 'fivetran', id: 'app', since: minutesAgo(185), cadenceMinutes: 60 }]);
    expect(silentAt(200)).toEqual([]);
    expect(silentAt(185, true)).toEqual([]);
  });
});
