with customers as (
    select * from {{ ref('stg_customers') }}
),

countries as (
    select "Code" as country_code, "Country Name" as country_name, "EU Member" as eu_member
    from {{ ref('country_codes') }}
),

orders as (
    select customer_id, count(*) as orders, sum(amount) as revenue
    from {{ ref('fct_orders') }}
    group by 1
)

select
    customers.customer_id,
    customers.first_name,
    customers.zip_code,
    countries.country_name,
    countries.eu_member,
    coalesce(orders.orders, 0) as orders,
    coalesce(orders.revenue, 0) as revenue
from customers
left join countries using (country_code)
left join orders using (customer_id)
