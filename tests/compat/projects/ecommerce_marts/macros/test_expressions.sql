{% test expression_is_true(model, expression, column_name=none) %}
{%- set column_list = column_name if column_name else '*' %}
select {{ column_list }}
from {{ model }}
where not ({{ expression }})
{% endtest %}
