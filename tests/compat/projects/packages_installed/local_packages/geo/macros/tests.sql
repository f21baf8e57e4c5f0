{% test not_blank(model, column_name) %}
select * from {{ model }} where trim(cast({{ column_name }} as varchar)) = ''
{% endtest %}

{% test at_least(model, column_name, minimum) %}
select * from {{ model }} where {{ column_name }} < {{ minimum }}
{% endtest %}
