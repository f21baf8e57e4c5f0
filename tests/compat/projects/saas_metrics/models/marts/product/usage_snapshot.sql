{{
    config(
        materialized='incremental',
        unique_key='account_id',
        incremental_strategy='merge',
        on_schema_change='sync_all_columns'
    )
}}

select
    account_id,
    sum(events) as total_events,
    max(usage_date) as last_active_on,
    {% if is_incremental() -%}
    count(distinct feature) as feature_count,
    {%- else -%}
    sum(quantity) as total_quantity,
    {%- endif %}
    {{ dbt.datediff('min(usage_date)', 'max(usage_date)', 'day') }} as active_span_days
from {{ ref('fct_usage_daily') }}
group by 1
