{{ config(materialized='ephemeral') }}
select q.sku, q.qty, p.price from {{ ref('quantities') }} q join {{ ref('eph_prices') }} p using (sku)
