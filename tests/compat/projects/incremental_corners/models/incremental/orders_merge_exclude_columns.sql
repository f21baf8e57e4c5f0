select order_id, order_status, order_status as first_status, amount
from {{ ref('stg_orders') }}
