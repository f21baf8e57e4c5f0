with

source as (

    select * from {{ source('wetransfer_app_db', 'boards') }}

),

renamed as (

    select
        id as board_id,
        owner_id,
        title as board_title,
        visibility,
        item_count,
        created_at,
        updated_at

    from source
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
