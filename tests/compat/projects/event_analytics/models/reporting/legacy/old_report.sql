-- Disabled by dbt_project.yml: it reads a table that no longer exists.
select * from {{ source('tracking', 'events') }} join retired_table using (event_id)
