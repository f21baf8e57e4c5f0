{{ config(incremental_strategy='merge', unique_key='id', incremental_predicates=["DBT_INTERNAL_DEST.kind <> 'b'"]) }}
select id, kind, amount, updated_at from {{ source('raw', 'events') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
