with

users as (

    select * from {{ ref('stg_wetransfer_app_db__users') }}

),

plans as (

    select * from {{ ref('plans') }}

),

transfers as (

    select * from {{ ref('int_transfers_enriched') }}

),

boards as (

    select * from {{ ref('stg_wetransfer_app_db__boards') }}

),

decks as (

    select * from {{ ref('stg_wetransfer_app_db__decks') }}

),

user_activity as (

    select * from {{ ref('int_user_activity_daily') }}

),

transfers_by_user as (

    select
        sender_id as user_id,
        count(*) as transfers_count,
        sum(size_bytes) as bytes_sent,
        min(created_at) as first_transfer_at,
        max(created_at) as last_transfer_at

    from transfers
    group by 1

),

boards_by_user as (

    select
        owner_id as user_id,
        count(*) as boards_count

    from boards
    group by 1

),

decks_by_user as (

    select
        owner_id as user_id,
        count(*) as decks_count,
        sum(case when is_published then 1 else 0 end) as published_decks_count

    from decks
    group by 1

),

activity_by_user as (

    select
        user_id,
        count(*) as active_days,
        max(activity_date) as last_active_date

    from user_activity
    group by 1

),

final as (

    select
        users.user_id,
        users.email,
        users.full_name,
        users.country_code,
        users.plan_id,
        plans.plan_name,
        plans.monthly_price,
        plans.storage_gb,
        plans.monthly_price > 0 as is_paying,
        users.signed_up_at,
        coalesce(transfers_by_user.transfers_count, 0) as transfers_count,
        coalesce(transfers_by_user.bytes_sent, 0) as bytes_sent,
        {{ bytes_to_gb('coalesce(transfers_by_user.bytes_sent, 0)') }} as gb_sent,
        transfers_by_user.first_transfer_at,
        transfers_by_user.last_transfer_at,
        coalesce(boards_by_user.boards_count, 0) as boards_count,
        coalesce(decks_by_user.decks_count, 0) as decks_count,
        coalesce(decks_by_user.published_decks_count, 0) as published_decks_count,
        coalesce(activity_by_user.active_days, 0) as active_days,
        activity_by_user.last_active_date

    from users
    left join plans
        on users.plan_id = plans.plan_id
    left join transfers_by_user
        on users.user_id = transfers_by_user.user_id
    left join boards_by_user
        on users.user_id = boards_by_user.user_id
    left join decks_by_user
        on users.user_id = decks_by_user.user_id
    left join activity_by_user
        on users.user_id = activity_by_user.user_id

)

select * from final
