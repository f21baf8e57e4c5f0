{#- Converts a byte count to gibibytes (1024^3 bytes), rounded to `decimals` places. -#}
{% macro bytes_to_gb(column_name, decimals=2) -%}
    round(cast({{ column_name }} as numeric(38, 6)) / 1073741824, {{ decimals }})
{%- endmacro %}
