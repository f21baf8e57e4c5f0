{{
    config(
        materialized='view',
        tags=['orders']
    )
}}

with source as (
    {% call dedupe('id') -%}
        select * from {{ source('shop', 'orders') }}
    {%- endcall %}
),

renamed as (
    select
        id as order_id,
        customer_id,
        status,
        ordered_at,
        cast(ordered_at as date) as order_date,
        {{ cents_to_dollars('shipping_cents') }} as shipping_amount,
        _etl_loaded_at
    from source
)

select * from renamed
