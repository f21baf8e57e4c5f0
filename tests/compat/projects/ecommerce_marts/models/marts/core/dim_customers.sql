{% set flags = status_flags() %}

with customers as (
    select * from {{ ref('stg_customers') }}
),

orders as (
    select * from {{ ref('int_orders_joined') }}
),

customer_orders as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as most_recent_order_date,
        count(order_id) as lifetime_orders,
        {%- for status, flag in flags.items() %}
        {%- if status in ('completed', 'returned') %}
        sum(case when status = '{{ status }}' then 1 else 0 end) as {{ status }}_orders,
        {%- endif %}
        {%- endfor %}
        sum(total_paid) as lifetime_value
    from orders
    group by 1
)

select
    customers.customer_id,
    customers.full_name,
    customers.email,
    customers.country_code,
    customer_orders.first_order_date,
    customer_orders.most_recent_order_date,
    coalesce(customer_orders.lifetime_orders, 0) as lifetime_orders,
    coalesce(customer_orders.completed_orders, 0) as completed_orders,
    coalesce(customer_orders.returned_orders, 0) as returned_orders,
    coalesce(customer_orders.lifetime_value, 0) as lifetime_value,
    case
        when customer_orders.customer_id is null then 'prospect'
        when customer_orders.lifetime_value >= {{ var('high_value_threshold') }} * 2 then 'vip'
        when customer_orders.lifetime_orders > 1 then 'returning'
        else 'new'
    end as customer_segment,
    {{ dbt.datediff('customers.created_at', 'customer_orders.first_order_date', 'day') }} as days_to_first_order
from customers
left join customer_orders using (customer_id)
