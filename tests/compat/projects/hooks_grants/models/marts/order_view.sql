{{ config(grants={'+insert': ['compat_reporter']}) }}
select id, amount * 2 as doubled from {{ ref('orders') }}
