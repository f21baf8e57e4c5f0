{{ config(unique_key='id', on_schema_change='fail') }}
select id, amount{% if is_incremental() %}, kind{% endif %}
from {{ source('raw', 'events') }}
