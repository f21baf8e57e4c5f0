{% test row_count_between(model, min_rows=1, max_rows=none) %}
with counted as (
    select count(*) as n from {{ model }}
)
select n from counted
where n < {{ min_rows }}
{%- if max_rows is not none %} or n > {{ max_rows }}{% endif %}
{% endtest %}
