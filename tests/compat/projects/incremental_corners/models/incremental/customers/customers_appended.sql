{{ config(on_schema_change='append_new_columns') }}
select * from {{ source('shop', 'customers') }}
{% if is_incremental() %}
where customer_id >= 300 or signed_up > '2024-04-01'
{% endif %}
