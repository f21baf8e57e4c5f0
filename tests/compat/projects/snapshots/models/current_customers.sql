-- ref() to a snapshot: the current version of each customer
select id, status, dbt_valid_from from {{ ref('snap_timestamp') }} where dbt_valid_to is null
