{% macro payment_methods() %}
  {%- set methods = var('payment_methods') -%}
  {%- if not var('include_gift_cards', false) -%}
    {%- set methods = methods | reject('equalto', 'gift_card') | list -%}
  {%- endif -%}
  {{ return(methods) }}
{% endmacro %}

{% macro sum_by_category(column, value_column, categories, suffix='_amount') -%}
  {%- for category in categories %}
  sum(case when {{ column }} = '{{ category }}' then {{ value_column }} else 0 end) as {{ category }}{{ suffix }}
  {%- if not loop.last %},{% endif -%}
  {% endfor -%}
{%- endmacro %}

{% macro status_flags(statuses=none) -%}
  {%- set statuses = statuses or var('order_statuses') -%}
  {%- set flags = {} -%}
  {%- for s in statuses -%}
    {%- do flags.update({s: 'is_' ~ s}) -%}
  {%- endfor -%}
  {{ return(flags) }}
{%- endmacro %}
