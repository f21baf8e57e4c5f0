with source as (

    select * from {{ source('billing', 'accounts') }}

),

regions as (

    select * from {{ ref('country_regions') }}

),

renamed as (

    select
        source.account_id,
        trim(source.account_name) as account_name,
        source.industry,
        upper(source.country) as country_code,
        regions.region,
        cast(source.created_at as date) as created_on,
        {{ dbt.date_trunc('month', 'source.created_at') }}::date as signup_month,
        source.seats,
        source.is_test_account,
        {{ dbt.cast_bool_to_text('source.is_test_account') }} as is_test_account_text
    from source
    left join regions on regions.country_code = upper(source.country)

)

select * from renamed
