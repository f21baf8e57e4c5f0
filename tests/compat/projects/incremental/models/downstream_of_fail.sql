{{ config(materialized='view') }}
select count(*) as n from {{ ref('inc_schema_fail') }}
