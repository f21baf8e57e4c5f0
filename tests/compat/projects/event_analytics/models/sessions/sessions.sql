select
    {{ dbt.concat(['anonymous_id', "'-'", dbt.cast('session_number', dbt.type_string())]) }} as session_id,
    anonymous_id,
    max(user_id) as user_id,
    session_number,
    min(event_at) as started_at,
    max(event_at) as ended_at,
    {{ dbt.datediff('min(event_at)', 'max(event_at)', 'minute') }} as duration_minutes,
    count(*) as events,
    {{ dbt.listagg('event_type', "' > '", 'order by event_at, event_id', 3) }} as first_steps,
    {{ dbt.bool_or("event_type = 'purchase'") }} as converted,
    sum(coalesce(event_value, 0)) as total_value
from {{ ref('sessionized_events') }}
group by anonymous_id, session_number
