select
    coalesce(countries.region, 'Unknown') as region,
    coalesce(countries.name, 'Unknown') as country_name,
    count(distinct orders.customer_id) as customers,
    count(*) as orders,
    sum(orders.order_total) as revenue,
    {{ dbt.listagg('distinct ' ~ dbt.cast('orders.order_id', dbt.type_string()), "', '", "order by " ~ dbt.cast('orders.order_id', dbt.type_string())) }} as order_ids
from {{ ref('fct_orders') }} as orders
left join {{ ref('stg_customers') }} as customers using (customer_id)
left join {{ ref('country_codes') }} as countries on countries.code = customers.country_code
group by 1, 2
