{{ config(materialized='view') }}
select count(*) as lines, sum(total) as total from {{ ref('line_totals') }}
union all
select count(*), sum(qty * price) from {{ ref('eph_lines') }}
