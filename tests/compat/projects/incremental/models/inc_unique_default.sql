{{ config(unique_key='id') }}
select id, amount from {{ source('raw', 'events') }}
