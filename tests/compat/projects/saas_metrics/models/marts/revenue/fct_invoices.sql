{{
  config(
    materialized = 'incremental',
    incremental_strategy = 'append',
    on_schema_change = 'ignore'
  )
}}

select
    invoice_id,
    account_id,
    subscription_id,
    issued_on,
    invoice_month,
    amount,
    tax,
    total_amount,
    is_paid,
    currency,
    '{{ env_var("SAAS_REPORTING_CURRENCY", "EUR") }}' as reporting_currency,
    {{ dbt.current_timestamp() }} is not null as loaded
from {{ ref('stg_billing__invoices') }}

{% if is_incremental() %}
where invoice_id > (select coalesce(max(invoice_id), 0) from {{ this }})
{% endif %}
