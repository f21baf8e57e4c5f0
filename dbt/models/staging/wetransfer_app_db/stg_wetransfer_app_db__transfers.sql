with

source as (

    select * from {{ source('wetransfer_app_db', 'transfers') }}

),

renamed as (

    select
        id as transfer_id,
        sender_id,
        transfer_type,
        status,
        file_count,
        recipient_count,
        size_bytes,
        created_at,
        expires_at,
        first_downloaded_at,
        updated_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
