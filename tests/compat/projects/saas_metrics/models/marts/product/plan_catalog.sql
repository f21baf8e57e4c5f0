{{ config(materialized='incremental', unique_key='plan_id', full_refresh=false, schema='catalog') }}

select
    plan_id,
    plan_name,
    tier,
    list_price,
    is_legacy,
    {{ dbt.safe_cast("'" ~ var('as_of_date') ~ "'", 'date') }} as catalog_date,
    '{{ this.identifier }}' as stored_as
from {{ ref('stg_plans') }}
{% if is_incremental() %}
where plan_id not in (select plan_id from {{ this }})
{% endif %}
