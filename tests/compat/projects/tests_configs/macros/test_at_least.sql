{% test at_least(model, column_name, min_value=0, inclusive=true) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} {% if inclusive %}<{% else %}<={% endif %} {{ min_value }}
{% endtest %}
