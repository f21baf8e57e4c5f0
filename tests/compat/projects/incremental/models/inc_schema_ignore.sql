{{ config(unique_key='id') }}
select id, amount{% if is_incremental() %}, kind{% endif %}
from {{ source('raw', 'events') }}
{% if is_incremental() %}where updated_at >= '2024-01-05'{% endif %}
