select order_id, line_no, sku, qty, updated_at
from {{ source('shop', 'order_lines') }}
