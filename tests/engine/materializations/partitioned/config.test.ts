import { validatePartitionConfig } from '../../../../src/engine/materializations/partitioned/config';

const valid = { materialized: 'incremental', partition_by: { field: 'created_at', granularity: 'month' }, retention_months: 24, unload_before_drop: 's3://archive/fct/' };
const check = (values: Record<string, unknown>) => () => validatePartitionConfig(values, 'models/fct.sql');

describe('validatePartitionConfig', () => {
  it('accepts a monthly partition with retention and an unload prefix', () => {
    expect(check(valid)).not.toThrow();
    expect(check({ materialized: 'table' })).not.toThrow();
  });

  it('explains what to write instead of an invalid config', () => {
    expect(check({ ...valid, materialized: 'table' })).toThrow("models/fct.sql: partition_by: needs materialized='incremental' (got 'table')");
    expect(check({ ...valid, partition_by: { field: 'created_at', granularity: 'day' } })).toThrow(/granularity 'day' is not supported \(use 'month'\)/);
    expect(check({ ...valid, partition_by: { granularity: 'month' } })).toThrow(/'field' must name a timestamp or date column/);
    expect(check({ ...valid, partition_by: 'created_at' })).toThrow(/expected \{'field': 'created_at', 'granularity': 'month'\}/);
    expect(check({ ...valid, retention_months: 0 })).toThrow(/retention_months must be a whole number of months ≥ 1/);
    expect(check({ ...valid, unload_before_drop: 's3://archive/no-slash' })).toThrow(/must be an S3 prefix ending in '\/'/);
    expect(check({ ...valid, retention_months: undefined })).toThrow(/unload_before_drop needs retention_months/);
    expect(check({ materialized: 'incremental', retention_months: 3 })).toThrow(/retention_months only apply to a model with partition_by/);
  });
});
