{% macro status_list() %}
  {{ return(['new', 'open', 'closed']) }}
{% endmacro %}

{% macro sum_to(n) %}
  {% set ns = namespace(total=0) %}
  {% for i in range(n + 1) %}
    {% set ns.total = ns.total + i %}
  {% endfor %}
  {{ return(ns.total) }}
{% endmacro %}

{% macro wrap_select(alias) -%}
  select *, '{{ alias }}' as wrapped_by from ({{ caller() }}) as {{ alias }}
{%- endmacro %}

{% macro dollars(column) -%}
  {%- if column is none -%}
    {{ exceptions.raise_compiler_error('dollars() needs a column') }}
  {%- endif -%}
  ({{ column }} / 100.0)::numeric(16, 2)
{%- endmacro %}
