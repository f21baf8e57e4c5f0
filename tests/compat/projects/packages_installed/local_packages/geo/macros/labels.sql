{% macro region_label(code) %}{{ return(adapter.dispatch('region_label', 'geo')(code)) }}{% endmacro %}
{% macro default__region_label(code) %}upper({{ code }}){% endmacro %}

{% macro population_band(column) %}{{ return(adapter.dispatch('population_band', 'geo')(column)) }}{% endmacro %}
{% macro default__population_band(column) %}case when {{ column }} >= 500000 then 'large' else 'small' end{% endmacro %}
{% macro postgres__population_band(column) %}case when {{ column }} >= 500000 then 'large' when {{ column }} >= 100000 then 'medium' else 'small' end{% endmacro %}

{% macro haversine_km(lat1, lon1, lat2, lon2) %}
round(cast(2 * 6371 * asin(sqrt(power(sin(radians(({{ lat2 }} - {{ lat1 }}) / 2)), 2) + cos(radians({{ lat1 }})) * cos(radians({{ lat2 }})) * power(sin(radians(({{ lon2 }} - {{ lon1 }}) / 2)), 2))) as numeric), 1)
{% endmacro %}
