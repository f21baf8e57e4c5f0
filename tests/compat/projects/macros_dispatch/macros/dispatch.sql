{% macro join_words(a, b) -%}
  {{ return(adapter.dispatch('join_words')(a, b)) }}
{%- endmacro %}

{% macro default__join_words(a, b) -%}
  {{ a }} || ' ' || {{ b }}
{%- endmacro %}

{% macro postgres__join_words(a, b) -%}
  concat_ws('-', {{ a }}, {{ b }})
{%- endmacro %}

{# Only a default: postgres falls back to it. #}
{% macro shout(x) -%}
  {{ return(adapter.dispatch('shout', 'macros_dispatch')(x)) }}
{%- endmacro %}

{% macro default__shout(x) -%}
  upper({{ x }})
{%- endmacro %}
