{{ config(on_schema_change='fail') }}
select * from {{ source('shop', 'customers') }}
