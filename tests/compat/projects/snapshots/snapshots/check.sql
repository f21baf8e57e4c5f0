{% snapshot snap_check_cols %}
{{ config(strategy='check', check_cols=['status', 'tier'], unique_key=['id', 'region'], updated_at='updated_at', alias='snap_check_renamed',
          snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_valid_to': 'valid_to', 'dbt_scd_id': 'scd_id'}) }}
select id, region, status, tier, updated_at from {{ source('raw', 'customers') }}
{% endsnapshot %}
