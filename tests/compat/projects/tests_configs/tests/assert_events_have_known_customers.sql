{{ config(error_if='>3', warn_if='>=1') }}
select e.event_id
from {{ source('raw', 'events') }} e
left join {{ ref('stg_customers') }} c using (customer_id)
where c.customer_id is null or e.customer_id is null
