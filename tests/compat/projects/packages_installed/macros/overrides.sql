{# The root project overrides one of geo's dispatched macros (dispatch: search_order). #}
{% macro default__region_label(code) %}upper({{ code }}) || ' (root)'{% endmacro %}
