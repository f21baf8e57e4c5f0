{% macro to_major_units(column, currency_column=none) -%}
    {{ adapter.dispatch('to_major_units', 'saas_metrics')(column, currency_column) }}
{%- endmacro %}

{% macro default__to_major_units(column, currency_column) -%}
    ({{ column }} / 100.0)
{%- endmacro %}

{% macro redshift__to_major_units(column, currency_column) -%}
    ({{ column }}::decimal(18, 2) / 100)
{%- endmacro %}
