{% test at_least_one_row(model, group_by_column=none) %}
{% if group_by_column %}
select {{ group_by_column }} from {{ model }} group by 1 having count(*) < 1
{% else %}
select 1 as empty from (select count(*) as n from {{ model }}) c where n = 0
{% endif %}
{% endtest %}
