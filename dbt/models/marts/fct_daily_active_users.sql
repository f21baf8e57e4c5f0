with

user_activity as (

    select * from {{ ref('int_user_activity_daily') }}

),

final as (

    select
        activity_date as date_day,
        count(distinct user_id) as active_users,
        count(distinct case when used_wetransfer then user_id end) as wetransfer_active_users,
        count(distinct case when used_collect then user_id end) as collect_active_users,
        count(distinct case when used_paste then user_id end) as paste_active_users,
        count(distinct case when products_used > 1 then user_id end) as multi_product_users,
        sum(events_count) as events_count

    from user_activity
    group by 1

)

select * from final
