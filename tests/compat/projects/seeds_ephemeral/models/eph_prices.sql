{{ config(materialized='ephemeral') }}
select sku, price from {{ ref('prices') }} where active
