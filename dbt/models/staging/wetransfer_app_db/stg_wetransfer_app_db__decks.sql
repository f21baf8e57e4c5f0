with

source as (

    select * from {{ source('wetransfer_app_db', 'decks') }}

),

renamed as (

    select
        id as deck_id,
        owner_id,
        title as deck_title,
        slide_count,
        is_published,
        created_at,
        published_at,
        updated_at

    from source
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
