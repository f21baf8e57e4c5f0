select customer_id, email, status, tier from {{ ref('customers') }}
