{{ config(enabled=false) }}
select * from {{ ref('old_customers') }}
