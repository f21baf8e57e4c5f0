{{
    config(
        severity = 'warn',
        warn_if = '>= 1',
        error_if = '> 3',
        store_failures = true
    )
}}
select invoice_id, account_id, issued_on
from {{ ref('fct_invoices') }}
where not is_paid
  and issued_on < {{ dbt.dateadd('day', -30, "cast('" ~ var('as_of_date') ~ "' as date)") }}
