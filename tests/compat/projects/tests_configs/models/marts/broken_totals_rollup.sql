{{ config(materialized='view') }}
select count(*) as customers from {{ ref('broken_totals') }}
