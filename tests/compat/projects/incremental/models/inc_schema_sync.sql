{{ config(unique_key='id', on_schema_change='sync_all_columns') }}
select id{% if is_incremental() %}, kind{% else %}, amount{% endif %}
from {{ source('raw', 'events') }}
{% if is_incremental() %}where updated_at >= '2024-01-05'{% endif %}
