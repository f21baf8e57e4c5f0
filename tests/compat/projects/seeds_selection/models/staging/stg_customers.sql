{{ config(tags=['pii']) }}
select
    customer_id,
    first_name,
    zip_code,
    postal_number,
    is_active,
    signup_date,
    last_seen_at,
    last_seen_local,
    balance,
    notes,
    country_code
from {{ ref('raw_customers') }}
