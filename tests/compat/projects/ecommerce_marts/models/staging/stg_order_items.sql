select
    {{ dbt.concat([dbt.cast('order_id', dbt.type_string()), "'-'", dbt.cast('line_number', dbt.type_string())]) }} as order_item_id,
    order_id,
    line_number,
    product_id,
    quantity,
    {{ cents_to_dollars('unit_price_cents', scale=2) }} as unit_price,
    {{ cents_to_dollars('quantity * unit_price_cents') }} as line_amount
from {{ source('shop', 'order_items') }}
