with

source as (

    select * from {{ source('events', 'product_events') }}

),

renamed as (

    select
        event_id,
        user_id,
        anonymous_id,
        event_name,
        lower(product) as product,
        lower(platform) as platform,
        properties,
        occurred_at,
        cast(occurred_at as date) as occurred_on,
        received_at

    from source

)

select * from renamed
