select id, "Name" as name, '{{ source("shop", "Customers").include(database=false) }}' as relation_name
from {{ source('shop', 'Customers') }}
