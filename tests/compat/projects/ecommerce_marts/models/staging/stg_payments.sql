{%- set amount_expression = cents_to_dollars('amount_cents') -%}
select
    id as payment_id,
    order_id,
    payment_method,
    {{ amount_expression }} as amount,
    created_at as paid_at,
    {{ audit_columns() }}
from {{ source('shop', 'payments') }}
