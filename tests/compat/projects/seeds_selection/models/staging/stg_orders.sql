select order_id, customer_id, status_code, ordered_at, amount
from {{ source('raw', 'orders') }}
