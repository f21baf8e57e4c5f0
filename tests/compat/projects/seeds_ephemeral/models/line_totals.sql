{{ config(
    pre_hook="create table if not exists {{ target.schema }}_seed_data.hook_log (what text)",
    post_hook=["insert into {{ target.schema }}_seed_data.hook_log values ('built {{ this.name }}')", "update {{ this }} set note = 'hooked'"]
) }}
with lines as (select * from {{ ref('eph_lines') }})
select sku, qty, price, qty * price as total, cast(null as text) as note from lines
