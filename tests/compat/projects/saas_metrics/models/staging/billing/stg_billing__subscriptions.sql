{{ config(materialized='view') }}

with ranked as (
    {% call with_row_numbers(['subscription_id'], 'updated_at desc') %}
        select * from {{ source('billing', 'subscriptions') }}
    {% endcall %}
)

select
    subscription_id,
    account_id,
    plan_id,
    status,
    started_at,
    ended_at,
    {{ to_major_units('mrr_cents') }}::numeric(12, 2) as mrr,
    status in {{ in_list(churn_config()['statuses']) }} as is_churn_risk,
    updated_at
from ranked
where row_num = 1
