-- The printed name leaves the database out: dbt prints the target's database, landfall does not (same relation).
select id, amount, '{{ source("shop", "Orders").include(database=false) }}' as relation_name
from {{ source('shop', 'Orders') }}
