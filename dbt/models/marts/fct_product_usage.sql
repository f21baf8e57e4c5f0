with

events as (

    select * from {{ ref('stg_events__product_events') }}

),

daily_usage as (

    select
        product,
        occurred_on as activity_date,
        count(*) as events_count,
        count(distinct user_id) as active_users,
        count(distinct anonymous_id) as anonymous_visitors,
        sum(
            case
                when event_name in ('transfer_sent', 'board_created', 'deck_created') then 1
                else 0
            end
        ) as items_created

    from events
    group by 1, 2

),

final as (

    select
        product || '-' || cast(activity_date as varchar) as product_usage_id,
        product,
        activity_date,
        events_count,
        active_users,
        anonymous_visitors,
        items_created

    from daily_usage

)

select * from final
