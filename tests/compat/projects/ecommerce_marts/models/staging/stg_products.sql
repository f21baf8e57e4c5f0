select
    id as product_id,
    sku,
    {{ dbt.split_part('sku', "'-'", 1) }} as sku_family,
    name as product_name,
    category_id,
    {{ cents_to_dollars('cost_cents') }} as unit_cost,
    {{ dbt.cast_bool_to_text('is_active') }} as is_active_text,
    is_active
from {{ source('shop', 'products') }}
