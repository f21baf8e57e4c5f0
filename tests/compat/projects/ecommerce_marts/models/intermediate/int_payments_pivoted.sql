{%- set methods = payment_methods() -%}
{% do log('pivoting payment methods: ' ~ methods | join(', '), info=true) %}

select
    order_id,
    {{ sum_by_category('payment_method', 'amount', methods) }},
    sum(amount) as total_paid,
    count(*) as payment_count
from {{ ref('stg_payments') }}
group by order_id
