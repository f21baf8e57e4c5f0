{% macro coalesce_zero() -%}
    {%- for column in varargs -%}
        coalesce({{ column }}, 0) as {{ column.split('.')[-1] }}{{ ',' if not loop.last }}
    {% endfor -%}
{%- endmacro %}

{% macro sum_columns(columns, prefix='total_', cast_to=none) -%}
    {%- for column in columns %}
    {% if cast_to %}cast({% endif %}sum({{ column }}){% if cast_to %} as {{ cast_to }}){% endif %} as {{ prefix ~ column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro bucket_case(column, buckets) -%}
    {%- set ordered = buckets.items() | sort(attribute='1') -%}
    case
    {%- for name, upper in ordered %}
        when {{ column }} < {{ upper }} then '{{ name }}'
    {%- endfor %}
        else 'strategic'
    end
{%- endmacro %}

{% macro weighted_score(weights) -%}
    {%- set terms = [] -%}
    {%- for metric, weight in weights.items() | sort -%}
        {%- do terms.append('%s * coalesce(%s_score, 0)' % (weight, metric)) -%}
    {%- endfor -%}
    round(cast({{ terms | join(' + ') }} as {{ dbt.type_numeric() }}), 3)
{%- endmacro %}

{% macro churn_config() %}
    {% set config_values = {
        'grace_days': var('churn_grace_days'),
        'statuses': ['canceled', 'past_due'],
        'label': env_var('SAAS_ENV', 'dev') ~ '-churn'
    } %}
    {{ return(config_values) }}
{% endmacro %}

{% macro in_list(values) -%}
    ({%- for v in values -%}{{ dbt.string_literal(v) }}{{ ', ' if not loop.last }}{%- endfor -%})
{%- endmacro %}

{% macro with_row_numbers(partition_by, order_by) -%}
    select
        numbered.*,
        row_number() over (partition by {{ partition_by | join(', ') }} order by {{ order_by }}) as row_num
    from ({{ caller() }}) as numbered
{%- endmacro %}
