{%- set weights = var('health_weights') -%}
{%- set thresholds = {'A': 0.6, 'B': 0.3} -%}

with usage as (
    select
        account_id,
        sum(case when feature = 'login' then events else 0 end) as logins,
        sum(case when feature = 'api' then quantity else 0 end) as api_calls
    from {{ ref('fct_usage_daily') }}
    group by 1
),

accounts as (
    select account_id, seats from {{ ref('dim_accounts') }}
),

scored as (
    select
        accounts.account_id,
        coalesce(usage.logins, 0) as logins,
        coalesce(usage.api_calls, 0) as api_calls,
        accounts.seats,
        least(coalesce(usage.logins, 0) / 20.0, 1) as logins_score,
        least(coalesce(usage.api_calls, 0) / 100.0, 1) as api_calls_score,
        least(accounts.seats / 100.0, 1) as seats_score
    from accounts
    left join usage using (account_id)
)

select
    account_id,
    logins,
    api_calls,
    seats,
    {{ weighted_score(weights) }} as health_score,
    case
    {%- for grade, floor in thresholds.items() %}
        when {{ weighted_score(weights) }} >= {{ floor }} then '{{ grade }}'
    {%- endfor %}
        else 'C'
    end as health_grade
from scored
