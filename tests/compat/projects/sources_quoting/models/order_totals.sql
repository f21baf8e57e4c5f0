{{ config(materialized='table') }}
select
  o.id,
  o.amount,
  coalesce(sum(l.qty), 0) as items,
  '{{ this.include(database=false, schema=false) }}' as own_name
from {{ ref('stg_orders') }} as o
left join {{ ref('stg_lines') }} as l on l.order_id = o.id
group by o.id, o.amount
