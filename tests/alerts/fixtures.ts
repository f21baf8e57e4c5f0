import type { RunFailureReport } from '../../src/alerts';

/** A run where one test found bad rows and one model failed, with two models skipped downstream. */
export function sampleReport(overrides: Partial<RunFailureReport> = {}): RunFailureReport {
  return {
    runId: '2026-11-27T02:10',
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:landfall-transform:sync-b4703f73',
    region: 'eu-west-1',
    trigger: { loader: 'fivetran', connector: 'assimilate_seem', arrivedAt: '2026-11-27T02:09:41Z', description: 'sync_end b4703f73' },
    failures: [
      {
        kind: 'test',
        nodeId: 'test.landfall.not_null_fct_transfers_amount',
        name: 'not_null_fct_transfers_amount',
        failures: 7,
        sampleRows: {
          columns: ['transfer_id', 'amount', 'currency'],
          rows: [
            [101, null, 'EUR'],
            [1002, -5.25, 'USD'],
            [10003, null, 'a very long currency name that goes on and on and on and on'],
            [4, null, 'EUR'],
            [5, null, 'line\nbreak'],
            [6, null, 'EUR'],
            [7, null, 'EUR'],
          ],
        },
        compiledSql: 'select *\nfrom analytics.fct_transfers\nwhere amount is null',
        file: 'models/marts/_marts.yml',
        model: 'fct_transfers',
      },
      {
        kind: 'model',
        nodeId: 'model.landfall.fct_orders',
        name: 'fct_orders',
        error: 'ERROR: relation "raw.orders" does not exist',
        compiledSql: 'create table analytics.fct_orders as\nselect * from raw.orders',
        file: 'models/marts/fct_orders.sql',
      },
    ],
    skipped: [
      { kind: 'model', nodeId: 'model.landfall.fct_revenue', name: 'fct_revenue' },
      { kind: 'model', nodeId: 'model.landfall.rpt_daily_revenue', name: 'rpt_daily_revenue' },
      { kind: 'test', nodeId: 'test.landfall.unique_fct_revenue_id', name: 'unique_fct_revenue_id' },
    ],
    passed: { models: 12, tests: 30 },
    ...overrides,
  };
}
