-- depends_on: {{ ref('orders_merge_recent') }}
select order_id, order_status, amount
from {{ ref('stg_orders') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ ref('orders_merge_recent') }}) - interval '1 day'
{% endif %}
