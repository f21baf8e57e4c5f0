with months as (
    {{ month_spine("'" ~ var('analysis_start') ~ "'", "'" ~ var('as_of_date') ~ "'") }}
),

subscriptions as (
    select * from {{ ref('int_subscription_periods') }}
)

select
    months.month_start,
    subscriptions.account_id,
    sum(subscriptions.mrr) as mrr,
    count(*) as active_subscriptions,
    max(subscriptions.tier) as tier
from months
inner join subscriptions
    on subscriptions.started_at <= {{ dbt.last_day('months.month_start', 'month') }}
   and (subscriptions.ended_at is null or subscriptions.ended_at > {{ dbt.last_day('months.month_start', 'month') }})
group by 1, 2
