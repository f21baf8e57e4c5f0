{{ config(unique_key='id', on_schema_change='append_new_columns') }}
select id, amount{% if is_incremental() %}, kind as new_kind{% endif %}
from {{ source('raw', 'events') }}
{% if is_incremental() %}where updated_at >= '2024-01-05'{% endif %}
