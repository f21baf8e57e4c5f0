import { parseStatically } from '../../../src/engine/project/static-parser';

describe('Function: parseStatically', () => {
  it('reads ref, source and config calls with literal arguments without rendering', () => {
    expect(parseStatically(`{{ config(materialized='incremental', unique_key="id", tags=['a', 'b'], enabled=True, n=3) }}
select * from {{ ref('stg_orders') }} join {{ ref('pkg', "stg_customers") }} using (id)
union all select * from {{ source('app', 'orders') }}`)).toEqual([
      { kind: 'config', values: { materialized: 'incremental', unique_key: 'id', tags: ['a', 'b'], enabled: true, n: 3 } },
      { kind: 'ref', name: 'stg_orders' },
      { kind: 'ref', name: 'stg_customers' },
      { kind: 'source', sourceName: 'app', tableName: 'orders' },
    ]);
  });

  it('splits arguments only on top-level commas, outside quotes and brackets', () => {
    expect(parseStatically(`{{ config(tags=['a,b', "c]"], alias='x(1)') }}`)).toEqual([
      { kind: 'config', values: { tags: ['a,b', 'c]'], alias: 'x(1)' } },
    ]);
    expect(parseStatically("{{ ref('a')) }}")).toBeUndefined();
  });

  it('leaves anything else to the real renderer', () => {
    for (const text of [
      "{% if is_incremental() %}x{% endif %}",
      "{{ ref('a') | upper }}",
      "{{ var('x') }}",
      "{{ config(materialized=var('m')) }}",
      "{{ ref('a').identifier }}",
      "select {{ ref('a') }",
      "{# comment #} {{ ref('a') }}",
      "{{ my_macro('a') }}",
    ]) expect(parseStatically(text)).toBeUndefined();
  });
});
