-- A source in a named database prints all three parts in both tools.
select order_id, qty, '{{ source("lake", "lines") }}' as relation_name
from {{ source('lake', 'lines') }}
