{% test matches_pattern(model, column_name, pattern) %}
select {{ column_name }} from {{ model }}
where {{ column_name }} is not null and {{ column_name }} !~ '{{ pattern }}'
{% endtest %}

{% test row_count_at_least(model, minimum) %}
select 1 as too_few from (select count(*) as n from {{ model }}) c where n < {{ minimum }}
{% endtest %}
