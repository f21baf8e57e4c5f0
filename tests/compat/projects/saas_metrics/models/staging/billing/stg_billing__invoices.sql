{%- set currency = var('currency_code') -%}
select
    invoice_id,
    account_id,
    subscription_id,
    issued_on,
    {{ dbt.date_trunc('month', 'issued_on') }}::date as invoice_month,
    {{ to_major_units('amount_cents', 'currency') }} as amount,
    {{ to_major_units('tax_cents') }} as tax,
    {{ to_major_units('amount_cents + tax_cents') }} as total_amount,
    paid as is_paid,
    upper(currency) as currency,
    upper(currency) = '{{ currency }}' as is_home_currency
from {{ source('billing', 'invoices') }}
