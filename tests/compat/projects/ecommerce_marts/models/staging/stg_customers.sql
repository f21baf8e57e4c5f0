with source as (
    select * from {{ source('shop', 'customers') }}
),

renamed as (
    select
        id as customer_id,
        first_name,
        last_name,
        {{ dbt.concat(['first_name', "' '", 'last_name']) }} as full_name,
        lower(email) as email,
        upper(country_code) as country_code,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        {{ dbt.date_trunc('month', 'created_at') }} as signup_month
    from source
)

select * from renamed
