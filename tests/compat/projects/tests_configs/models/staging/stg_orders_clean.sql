select order_id, customer_id, order_date, status, coalesce(amount, 0) as amount
from {{ ref('orders') }}
where status in ('placed', 'shipped', 'completed', 'returned')
