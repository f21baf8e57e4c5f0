{{ config(tags=['top']) }}
select * from {{ ref('mart_ab') }}
