with orders as (
    select * from {{ ref('stg_orders') }}
    {% if is_incremental() %}
    where updated_at >= (select max(order_day) from {{ this }})
    {% endif %}
)

select
    cast(date_trunc('day', updated_at) as date) as order_day,
    count(*) as orders,
    sum(amount) as amount
from orders
group by 1
