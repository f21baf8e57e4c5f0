with customers as (
    select customer_id, full_name, lifetime_value, lifetime_orders
    from {{ ref('dim_customers') }}
    where lifetime_orders > 0
)

select
    customer_id,
    full_name,
    lifetime_value,
    row_number() over (order by lifetime_value desc, customer_id) as revenue_rank,
    ntile(4) over (order by lifetime_value desc, customer_id) as revenue_quartile,
    round(100.0 * lifetime_value / sum(lifetime_value) over (), 2) as pct_of_revenue,
    lag(customer_id) over (order by lifetime_value desc, customer_id) as next_higher_customer_id,
    first_value(full_name) over (order by lifetime_value desc, customer_id) as top_customer_name
from customers
