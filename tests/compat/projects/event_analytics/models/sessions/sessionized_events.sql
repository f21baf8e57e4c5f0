{%- set timeout = var('session_timeout_minutes') -%}

with events as (
    select event_id, anonymous_id, user_id, event_type, event_at, event_value
    from {{ ref('events_enriched') }}
),

gaps as (
    select
        *,
        lag(event_at) over (partition by anonymous_id order by event_at, event_id) as previous_event_at
    from events
),

flagged as (
    select
        *,
        case
            when previous_event_at is null then 1
            when {{ dbt.datediff('previous_event_at', 'event_at', 'minute') }} > {{ timeout }} then 1
            else 0
        end as is_new_session
    from gaps
)

select
    *,
    sum(is_new_session) over (partition by anonymous_id order by event_at, event_id rows unbounded preceding) as session_number
from flagged
