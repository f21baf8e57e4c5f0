{%- set cfg = churn_config() -%}
select
    s.subscription_id,
    s.account_id,
    s.plan_id,
    p.plan_name,
    p.tier,
    s.status,
    s.started_at,
    coalesce(s.ended_at, cast({{ dbt.dateadd('day', cfg.get('grace_days', 0), 's.started_at') }} as date) + 3650) as effective_end,
    s.ended_at,
    s.mrr,
    '{{ cfg.label }}' as churn_policy
from {{ ref('stg_billing__subscriptions') }} as s
inner join {{ ref('stg_plans') }} as p using (plan_id)
inner join {{ ref('stg_billing__accounts') }} as a using (account_id)
where not a.is_test_account
