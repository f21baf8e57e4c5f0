{{ config(materialized='incremental', unique_key='user_id', on_schema_change='sync_all_columns') }}

select
    u.*,
    s.sessions,
    s.last_seen_at
from {{ source('tracking', 'users') }} as u
left join (
    select user_id, count(*) as sessions, max(ended_at) as last_seen_at
    from {{ ref('sessions') }}
    group by 1
) as s using (user_id)
