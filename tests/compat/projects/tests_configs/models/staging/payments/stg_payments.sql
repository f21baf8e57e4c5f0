select payment_id, order_id, lower(method) as payment_method, amount from {{ ref('payments') }}
