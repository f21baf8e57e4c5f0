{{ config(alias='accounts', tags=['dimension']) }}

{%- set buckets = var('mrr_buckets') %}

with accounts as (
    select * from {{ ref('stg_billing__accounts') }}
),

current_mrr as (
    select account_id, mrr, tier
    from {{ ref('fct_mrr') }}
    where month_start = {{ dbt.date_trunc('month', "cast('" ~ var('as_of_date') ~ "' as date)") }}
),

invoices as (
    select
        account_id,
        {{ sum_columns(['amount', 'tax'], cast_to=dbt.type_numeric()) }},
        count(*) as invoice_count,
        {{ dbt.bool_or('not is_paid') }} as has_unpaid_invoice
    from {{ ref('fct_invoices') }}
    group by account_id
)

select
    accounts.account_id,
    accounts.account_name,
    coalesce(accounts.industry, 'unknown') as industry,
    accounts.region,
    accounts.created_on,
    accounts.seats,
    coalesce(current_mrr.mrr, 0) as current_mrr,
    case when current_mrr.mrr is null or current_mrr.mrr = 0 then 'none' else {{ bucket_case('current_mrr.mrr', buckets) }} end as mrr_band,
    current_mrr.tier,
    coalesce(invoices.total_amount, 0) as lifetime_billed,
    coalesce(invoices.invoice_count, 0) as invoice_count,
    coalesce(invoices.has_unpaid_invoice, false) as has_unpaid_invoice
from accounts
left join current_mrr using (account_id)
left join invoices using (account_id)
where not accounts.is_test_account
