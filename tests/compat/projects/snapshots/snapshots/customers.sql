{% snapshot snap_timestamp %}
{{ config(strategy='timestamp', updated_at='updated_at') }}
select * from {{ ref('stg_customers') }}
{% endsnapshot %}

{% snapshot snap_invalidate %}
{{ config(strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate') }}
select * from {{ ref('stg_customers') }}
{% endsnapshot %}

{% snapshot snap_new_record %}
{{ config(strategy='timestamp', updated_at='updated_at', hard_deletes='new_record', dbt_valid_to_current="'9999-12-31'::timestamp") }}
select * from {{ ref('stg_customers') }}
{% endsnapshot %}
