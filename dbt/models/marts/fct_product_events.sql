{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_id',
        partition_by={'field': 'occurred_at', 'granularity': 'month'},
        retention_months=13,
        window_lookback_days=1
    )
}}

with

events as (

    select * from {{ ref('stg_events__product_events') }}

    {% if is_incremental() %}
    -- The event stream is append-only: only the run's window, one month table written per day.
    where occurred_at >= '{{ var("window_start") }}' and occurred_at < '{{ var("window_end") }}'
    {% endif %}

),

final as (

    select
        event_id,
        user_id,
        anonymous_id,
        event_name,
        product,
        platform,
        occurred_at,
        occurred_on,
        received_at

    from events

)

select * from final
