with

transfers as (

    select * from {{ ref('stg_wetransfer_app_db__transfers') }}

),

users as (

    select * from {{ ref('stg_wetransfer_app_db__users') }}

),

final as (

    select
        transfers.transfer_id,
        transfers.sender_id,
        users.plan_id as sender_plan_id,
        users.country_code as sender_country_code,
        transfers.transfer_type,
        transfers.status,
        transfers.file_count,
        transfers.recipient_count,
        transfers.size_bytes,
        {{ bytes_to_gb('transfers.size_bytes') }} as size_gb,
        transfers.created_at,
        cast(date_trunc('day', transfers.created_at) as date) as transfer_date,
        transfers.expires_at,
        transfers.first_downloaded_at,
        transfers.first_downloaded_at is not null as is_downloaded,
        case
            when transfers.first_downloaded_at is not null
                then cast(
                    (extract(epoch from transfers.first_downloaded_at) - extract(epoch from transfers.created_at)) / 60
                    as integer
                )
        end as minutes_to_first_download,
        transfers.updated_at

    from transfers
    left join users
        on transfers.sender_id = users.user_id

)

select * from final
