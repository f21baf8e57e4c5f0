{#- Money helpers. Amounts land in cents; marts report in the currency's major unit. -#}

{% macro cents_to_dollars(column_name, scale=2) -%}
  {{ return(adapter.dispatch('cents_to_dollars', 'ecommerce_marts')(column_name, scale)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name, scale) -%}
  round(({{ column_name }} / 100.0), {{ scale }})
{%- endmacro %}

{% macro postgres__cents_to_dollars(column_name, scale) -%}
  ({{ column_name }}::numeric / 100)::numeric(16, {{ scale }})
{%- endmacro %}

{% macro safe_divide(numerator, denominator, default_value='null') -%}
  case when {{ denominator }} = 0 or {{ denominator }} is null then {{ default_value }}
       else {{ numerator }}::numeric / {{ denominator }} end
{%- endmacro %}
