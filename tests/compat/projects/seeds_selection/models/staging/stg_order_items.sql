select order_id, sku, qty from {{ source('raw', 'order_items') }}
