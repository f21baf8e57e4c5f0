{{ config(full_refresh=false, incremental_strategy='append') }}
select id, amount from {{ source('raw', 'events') }}
{% if is_incremental() %}where updated_at >= '2024-01-05'{% endif %}
