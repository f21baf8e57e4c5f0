select count(*) as customers from {{ ref('customers_strict') }}
