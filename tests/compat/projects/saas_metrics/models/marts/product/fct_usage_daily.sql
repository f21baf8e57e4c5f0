{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account_id', 'usage_date', 'feature'],
        incremental_predicates=["usage_date >= cast('2024-06-01' as date)"],
        tags=['usage']
    )
}}

with events as (
    select * from {{ ref('stg_product__usage_events') }}
    {% if is_incremental() %}
    where event_date >= (select max(usage_date) - 1 from {{ this }})
    {% endif %}
)

select
    account_id,
    event_date as usage_date,
    feature,
    count(*) as events,
    sum(quantity) as quantity,
    min(event_at) as first_event_at,
    max(event_at) as last_event_at
from events
group by 1, 2, 3
