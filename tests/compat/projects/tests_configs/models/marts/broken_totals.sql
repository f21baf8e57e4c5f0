select customer_id, sum(amount_that_does_not_exist) as total
from {{ ref('stg_orders_clean') }}
group by 1
