{# The project's own not_null: blanks and 'n/a' count as missing too. It replaces dbt's built-in one. #}
{% test not_null(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is null or lower(trim(cast({{ column_name }} as text))) in ('', 'n/a')
{% endtest %}
