{{
    config(
        materialized='incremental',
        unique_key=['order_id', 'customer_id'],
        incremental_strategy='merge',
        on_schema_change='append_new_columns'
    )
}}

with orders as (
    select * from {{ ref('int_orders_joined') }}
    {% if is_incremental() %}
    where _etl_loaded_at > (select max(_etl_loaded_at) from {{ this }})
    {% endif %}
)

select
    order_id,
    customer_id,
    status,
    order_date,
    {{ dbt.date_trunc('week', 'order_date') }} as order_week,
    item_count,
    subtotal,
    shipping_amount,
    subtotal + shipping_amount as order_total,
    {%- for method in payment_methods() %}
    {{ method }}_amount,
    {%- endfor %}
    total_paid,
    subtotal + shipping_amount > {{ var('high_value_threshold') }} as is_high_value,
    status in ('returned', 'return_pending') as is_return,
    {% if is_incremental() -%}
    margin as gross_margin,
    {% endif -%}
    _etl_loaded_at
from orders
