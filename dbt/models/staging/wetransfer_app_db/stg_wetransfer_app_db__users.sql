with

source as (

    select * from {{ source('wetransfer_app_db', 'users') }}

),

renamed as (

    select
        id as user_id,
        lower(email) as email,
        full_name,
        upper(country_code) as country_code,
        plan_id,
        signed_up_at,
        updated_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
