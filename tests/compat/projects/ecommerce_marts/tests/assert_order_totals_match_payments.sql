-- Orders whose payments do not cover the order total (allowing for shipping refunds on returns).
{{ config(severity='warn', tags=['finance']) }}

select
    order_id,
    order_total,
    total_paid,
    order_total - total_paid as difference
from {{ ref('fct_orders') }}
where not is_return
  and abs(order_total - total_paid) > 0.01
