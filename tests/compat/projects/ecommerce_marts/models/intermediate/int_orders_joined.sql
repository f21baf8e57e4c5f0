{#- An ephemeral built on two other ephemerals. -#}
with orders as (
    select * from {{ ref('stg_orders') }}
),

order_totals as (
    select
        order_id,
        count(*) as item_count,
        sum(quantity) as unit_count,
        sum(line_amount) as subtotal,
        sum(line_margin) as margin
    from {{ ref('int_order_items_enriched') }}
    group by 1
),

payments as (
    select * from {{ ref('int_payments_pivoted') }}
)

select
    orders.order_id,
    orders.customer_id,
    orders.status,
    orders.order_date,
    orders.shipping_amount,
    coalesce(order_totals.item_count, 0) as item_count,
    coalesce(order_totals.unit_count, 0) as unit_count,
    coalesce(order_totals.subtotal, 0) as subtotal,
    coalesce(order_totals.margin, 0) as margin,
    {%- for method in payment_methods() %}
    coalesce(payments.{{ method }}_amount, 0) as {{ method }}_amount,
    {%- endfor %}
    coalesce(payments.total_paid, 0) as total_paid,
    orders._etl_loaded_at
from orders
left join order_totals using (order_id)
left join payments using (order_id)
