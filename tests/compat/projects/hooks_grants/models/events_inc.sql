{{ config(materialized='incremental', unique_key='id', grants={'select': ['compat_analyst']}) }}
select id, amount from {{ ref('payments') }}
{% if is_incremental() %}where id > (select max(id) - 1 from {{ this }}){% endif %}
