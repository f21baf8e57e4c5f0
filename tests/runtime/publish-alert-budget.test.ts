import type { TestFailure } from '../../src/alerts/run-failure-report';
import { fetchSamplesWithin } from '../../src/runtime/publish-alert';
import type { ResultSet, StatementDescription, Warehouse } from '../../src/engine/warehouse/warehouse';

/** Statements whose SQL mentions `slow` never finish; the others finish at once with one row. */
class SampleWarehouse implements Warehouse {
  sqls = new Map<string, string>();
  async submit(sql: string | string[]): Promise<string> {
    const id = `s${this.sqls.size + 1}`;
    this.sqls.set(id, String(sql));
    return id;
  }
  async describe(id: string): Promise<StatementDescription> {
    const slow = this.sqls.get(id)!.includes('slow');
    return { id, status: slow ? 'STARTED' : 'FINISHED', hasResultSet: !slow, resultRows: 1, durationMs: 1 };
  }
  async fetchRows(): Promise<ResultSet> {
    return { columns: [{ name: 'status', typeName: 'varchar' }], rows: [['expird']] } as ResultSet;
  }
  async cancel(): Promise<void> {}
}

function failure(name: string): TestFailure {
  return { kind: 'test', nodeId: `test.p.${name}`, name, failures: 1, compiledSql: '', file: 'models/schema.yml', model: 'm', sampleRows: { columns: [], rows: [] } };
}

describe('fetchSamplesWithin (PublishAlert time budget)', () => {
  it('fetches every sample when the queries finish, and marks those still running when the budget is spent', async () => {
    const samples = [
      { failure: failure('fast_1'), sql: 'select 1 /* fast */' },
      { failure: failure('slow_1'), sql: 'select 1 /* slow */' },
      { failure: failure('fast_2'), sql: 'select 2 /* fast */' },
      ...Array.from({ length: 12 }, (_, i) => ({ failure: failure(`slow_${i + 2}`), sql: `select ${i} /* slow */` })),
    ];
    await fetchSamplesWithin(samples, { warehouse: new SampleWarehouse() }, 300);
    const byName = new Map(samples.map((s) => [s.failure.name, s.failure.sampleRows]));
    expect(byName.get('fast_1')).toEqual({ columns: ['status'], rows: [['expird']] });
    expect(byName.get('fast_2')).toEqual({ columns: ['status'], rows: [['expird']] });
    for (const [name, rows] of byName) {
      if (name.startsWith('slow')) expect(rows.columns).toEqual(['sample rows not fetched']);
    }
  });

  it('runs the sample queries concurrently rather than one after another', async () => {
    const warehouse = new SampleWarehouse();
    const samples = Array.from({ length: 8 }, (_, i) => ({ failure: failure(`slow_${i}`), sql: `select ${i} /* slow */` }));
    await fetchSamplesWithin(samples, { warehouse }, 200);
    // All eight were submitted within the budget, although none of them ever finished.
    expect(warehouse.sqls.size).toBe(8);
  });
});
