-- The last month's MRR must equal the MRR of subscriptions active at the end of it.
{{ config(severity='error', tags=['revenue']) }}

with last_month as (
    select sum(mrr) as mrr
    from {{ ref('fct_mrr') }}
    where month_start = {{ dbt.date_trunc('month', "cast('" ~ var('as_of_date') ~ "' as date)") }}
),

active as (
    select sum(mrr) as mrr
    from {{ ref('int_subscription_periods') }}
    where started_at <= cast('{{ var("as_of_date") }}' as date)
      and (ended_at is null or ended_at > cast('{{ var("as_of_date") }}' as date))
)

select last_month.mrr as reported, active.mrr as expected
from last_month cross join active
where abs(coalesce(last_month.mrr, 0) - coalesce(active.mrr, 0)) > 0.01
