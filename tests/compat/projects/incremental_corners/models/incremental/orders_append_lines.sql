{{ config(incremental_strategy='append') }}
with lines as (
    select * from {{ ref('stg_order_lines') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
)

select lines.order_id, lines.line_no, orders.customer_id, lines.qty
from lines
join orders using (order_id)
{% if is_incremental() %}
where lines.updated_at > (select max(updated_at) from {{ ref('stg_order_lines') }}) - interval '1 hour'
{% endif %}
