with orders as (
    select * from {{ ref('stg_orders_clean') }}
),

payments as (
    select order_id, sum(amount) as paid, count(*) as payment_count
    from {{ ref('stg_payments') }}
    group by 1
),

final as (
    select
        orders.order_id,
        orders.customer_id,
        orders.status,
        orders.amount,
        coalesce(payments.paid, 0) as paid,
        coalesce(payments.payment_count, 0) as payment_count
    from orders
    left join payments using (order_id)
)

select * from final
