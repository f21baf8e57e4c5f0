import { dialects } from '../../../src/engine/dialects';
import { runToken, stagingLeftovers, stagingRelation } from '../../../src/engine/dialects/dialect';
import { leftoversInCatalog } from '../../../src/engine/materializations/staging';

const orders = { schema: 'analytics', identifier: 'orders' };

describe('run-scoped staging names', () => {
  it('are the same for every attempt of one run and differ between runs', () => {
    expect(runToken('exec-1')).toMatch(/^[0-9a-f]{8}$/);
    expect(stagingRelation(orders, 'delta', 'exec-1')).toEqual(stagingRelation(orders, 'delta', 'exec-1'));
    expect(stagingRelation(orders, 'delta', 'exec-1').identifier).not.toBe(stagingRelation(orders, 'delta', 'exec-2').identifier);
    expect(stagingRelation(orders, 'new', 'exec-1').identifier).toBe(`orders__lf_new_${runToken('exec-1')}`);
  });

  it('fit the identifier limit in bytes, deterministically, and keep two long names apart', () => {
    const long = (tail: string) => ({ schema: 'a', identifier: `${'é'.repeat(40)}${tail}` });
    const [a, b] = [stagingRelation(long('_a'), 'shadow', 'r', 63).identifier, stagingRelation(long('_b'), 'shadow', 'r', 63).identifier];
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(stagingRelation(long('_a'), 'shadow', 'r', 63).identifier).toBe(a);
    expect(Buffer.byteLength(stagingRelation(long('_a'), 'shadow', 'r', 127).identifier)).toBeGreaterThan(63);
  });

  it("find other runs' leftovers of a model and its month tables, never the current run's nor another model's", () => {
    const mine = stagingRelation(orders, 'delta', 'now').identifier;
    const crashed = stagingRelation(orders, 'delta', 'crashed').identifier;
    const shadow = stagingRelation({ schema: 'analytics', identifier: 'orders__p202611' }, 'shadow', 'crashed').identifier;
    const otherModel = stagingRelation({ schema: 'analytics', identifier: 'orders_daily' }, 'new', 'crashed').identifier;
    const rows = ['orders', mine, crashed, shadow, otherModel].map((name) => ['analytics', name, 'table', null]);
    expect(leftoversInCatalog(rows, [orders], 'now', dialects.postgres)).toEqual({ 'analytics.orders': [crashed, shadow].sort() });
    expect(stagingLeftovers([mine], () => ['orders'], 'now', 63)).toEqual([]);
  });
});
