{% macro dedupe(partition_by, order_by='_etl_loaded_at desc') -%}
  select * from (
    select
      deduped_source.*,
      row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as _dedupe_rank
    from (
      {{ caller() }}
    ) as deduped_source
  ) ranked
  where _dedupe_rank = 1
{%- endmacro %}

{% macro audit_columns(model_name=none) -%}
  '{{ model_name or this.name }}' as _model_name,
  {{ dbt.string_literal(env_var('ECOM_SOURCE_SYSTEM', 'unknown')) }} as _source_system,
  {{ dbt.string_literal(var('currency')) }} as _currency
{%- endmacro %}
