select order_id, amount, paid
from {{ ref('orders_enriched') }}
where payment_count > 0 and amount <> paid
