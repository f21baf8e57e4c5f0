with

events as (

    select * from {{ ref('stg_events__product_events') }}

),

identified_events as (

    select * from events
    where user_id is not null

),

daily as (

    select
        user_id,
        occurred_on as activity_date,
        count(*) as events_count,
        max(case when product = 'wetransfer' then 1 else 0 end) as used_wetransfer,
        max(case when product = 'collect' then 1 else 0 end) as used_collect,
        max(case when product = 'paste' then 1 else 0 end) as used_paste,
        sum(case when event_name = 'transfer_sent' then 1 else 0 end) as transfers_sent

    from identified_events
    group by 1, 2

),

final as (

    select
        user_id || '-' || cast(activity_date as varchar) as user_activity_day_id,
        user_id,
        activity_date,
        events_count,
        used_wetransfer = 1 as used_wetransfer,
        used_collect = 1 as used_collect,
        used_paste = 1 as used_paste,
        used_wetransfer + used_collect + used_paste as products_used,
        transfers_sent

    from daily

)

select * from final
