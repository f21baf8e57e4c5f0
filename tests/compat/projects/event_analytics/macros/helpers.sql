{% macro in_list(values, quote=true) -%}
    ({% for v in values %}{% if quote %}{{ dbt.string_literal(dbt.escape_single_quotes(v)) }}{% else %}{{ v }}{% endif %}{{ ', ' if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro slugify(text) -%}
    {{ return(modules.re.sub('[^a-z0-9]+', '_', text | lower).strip('_')) }}
{%- endmacro %}

{% macro safe_ratio(numerator, denominator, precision=3) -%}
    round(cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0), {{ precision }})
{%- endmacro %}

{% macro event_property(column, key) -%}
    {{ return(adapter.dispatch('event_property', 'event_analytics')(column, key)) }}
{%- endmacro %}

{% macro default__event_property(column, key) -%}
    json_extract_path_text({{ column }}, '{{ key }}')
{%- endmacro %}

{% macro postgres__event_property(column, key) -%}
    ({{ column }} ->> '{{ key }}')
{%- endmacro %}

{% macro lookback_filter(column, alias=none) -%}
    {%- set days = var('lookback_days') | int -%}
    {%- if is_incremental() -%}
    where {{ alias ~ '.' if alias }}{{ column }} >= (select max({{ column }}) from {{ this }}) - interval '{{ days }} days'
    {%- endif -%}
{%- endmacro %}
