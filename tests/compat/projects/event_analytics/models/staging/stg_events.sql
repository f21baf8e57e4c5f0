{%- set order_column = adapter.quote('order') -%}
with source as (
    select * from {{ source('tracking', 'events') }}
)

select
    event_id,
    anonymous_id,
    user_id,
    lower(event_type) as event_type,
    page_url,
    {{ dbt.split_part('page_url', "'/'", -1) }} as page_path,
    {{ dbt.split_part(dbt.split_part('page_url', "'/'", -1), "'?'", 1) }} as page_slug,
    {{ dbt.position("'?'", 'page_url') }} > 0 as has_query,
    event_at,
    cast({{ dbt.date_trunc('day', 'event_at') }} as date) as event_date,
    cast({{ event_property('properties', 'value') }} as {{ dbt.type_int() }}) as event_value,
    {{ event_property('properties', 'currency') }} as currency,
    {{ order_column }} as sort_order
from source
