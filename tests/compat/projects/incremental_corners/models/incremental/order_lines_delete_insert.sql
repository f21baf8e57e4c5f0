select order_id, line_no, sku, qty, updated_at
from {{ ref('stg_order_lines') }}
{% if is_incremental() %}
where updated_at >= (select max(updated_at) from {{ this }})
{% endif %}
