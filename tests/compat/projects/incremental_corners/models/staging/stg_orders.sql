with source as (
    select * from {{ source('shop', 'orders') }}
),

renamed as (
    select
        order_id,
        customer_id,
        status as order_status,
        amount,
        updated_at
    from source
    {#- is_incremental() speaks for the model being rendered: an ephemeral model is never incremental #}
    {% if is_incremental() %}
    where false
    {% endif %}
)

select * from renamed
