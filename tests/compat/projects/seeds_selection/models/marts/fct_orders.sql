{{ config(materialized='incremental', unique_key='order_id') }}
select * from {{ ref('int_orders_joined') }}
