{# dbt_utils-style: the distinct values of a column, most frequent first, through statement/load_result. #}
{% macro get_column_values(table, column, order_by='count(*) desc') -%}
  {%- if not execute -%}
    {{ return([]) }}
  {%- endif -%}
  {%- call statement('get_column_values', fetch_result=True) -%}
    select {{ column }} as value from {{ table }} group by {{ column }} order by {{ order_by }}, 1
  {%- endcall -%}
  {%- set value_list = load_result('get_column_values') -%}
  {%- set values = value_list['data'] | map(attribute=0) | list -%}
  {{ return(values) }}
{%- endmacro %}

{# The first cell of a query, or a fallback at parse time. #}
{% macro scalar(sql, fallback=0) -%}
  {%- if execute -%}
    {{ return(run_query(sql).columns[0].values()[0]) }}
  {%- else -%}
    {{ return(fallback) }}
  {%- endif -%}
{%- endmacro %}

{# Statements with side effects: each call writes one row to a log table in the target schema. #}
{% macro log_run(what) -%}
  {%- if execute -%}
    {% do run_query('create table if not exists ' ~ target.schema ~ '.run_log (model text, what text)') %}
    {% call statement('log_insert', auto_begin=False) -%}
      insert into {{ target.schema }}.run_log values ('{{ this.name }}', '{{ what }}')
    {%- endcall %}
  {%- endif -%}
{%- endmacro %}
