{{ config(incremental_strategy='delete+insert') }}
select order_id, order_status from {{ ref('stg_orders') }}
{% if is_incremental() %}
where order_id > (select max(order_id) from {{ this }})
{% endif %}
