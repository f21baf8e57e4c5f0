{% test is_increasing(model, column_name, partition_by, order_by) %}
with ordered as (
    select
        {{ column_name }} as value,
        lag({{ column_name }}) over (partition by {{ partition_by }} order by {{ order_by }}) as previous_value
    from {{ model }}
)
select * from ordered where value < previous_value
{% endtest %}

{% test row_count_between(model, min_rows=1, max_rows=none) %}
select n from (select count(*) as n from {{ model }}) counted
where n < {{ min_rows }}{% if max_rows is not none %} or n > {{ max_rows }}{% endif %}
{% endtest %}
