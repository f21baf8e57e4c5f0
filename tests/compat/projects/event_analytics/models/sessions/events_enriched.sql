{{
    config(
        materialized='incremental',
        unique_key='event_id',
        incremental_strategy='merge',
        on_schema_change='append_new_columns',
        incremental_predicates=["DBT_INTERNAL_DEST.event_at >= cast('2024-03-01' as timestamp)"],
        pre_hook="select 1 as noop",
        post_hook=["analyze {{ this }}"]
    )
}}

select
    e.*,
    cast({{ event_property('e.properties', 'value') }} as {{ dbt.type_int() }}) as event_value,
    {{ dbt.date_trunc('hour', 'e.event_at') }} as event_hour,
    extract(isodow from e.event_at) as iso_weekday
from {{ source('tracking', 'events') }} as e
{{ lookback_filter('event_at', alias='e') }}
