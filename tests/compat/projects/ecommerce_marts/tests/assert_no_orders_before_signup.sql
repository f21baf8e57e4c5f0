select o.order_id
from {{ ref('fct_orders') }} o
join {{ ref('stg_customers') }} c using (customer_id)
where o.order_date < cast(c.created_at as date)
