select
    o.order_id,
    o.customer_id,
    s.status_name,
    s.is_final,
    o.amount,
    i.qty
from {{ ref('stg_orders') }} o
left join {{ ref('order_statuses') }} s using (status_code)
left join {{ ref('stg_order_items') }} i using (order_id)
