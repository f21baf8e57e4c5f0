select order_status, count(*) as orders
from {{ ref('orders_merge_recent') }}
group by 1
