{% test unique_combination_of_columns(model, combination_of_columns, quote_columns=false) %}
    {%- if not quote_columns -%}
        {%- set column_list = combination_of_columns -%}
    {%- else -%}
        {%- set column_list = [] -%}
        {%- for column in combination_of_columns -%}
            {%- do column_list.append(adapter.quote(column)) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set columns_csv = column_list | join(', ') %}

    with validation_errors as (
        select {{ columns_csv }}
        from {{ model }}
        group by {{ columns_csv }}
        having count(*) > 1
    )
    select * from validation_errors
{% endtest %}

{% test recency(model, field, datepart, interval, as_of=none) %}
    {%- set reference = "cast('" ~ (as_of or var('as_of_date')) ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    with recency as (
        select max({{ field }}) as most_recent from {{ model }}
    )
    select most_recent, {{ dbt.dateadd(datepart, interval * -1, reference) }} as threshold
    from recency
    where most_recent < {{ dbt.dateadd(datepart, interval * -1, reference) }} or most_recent is null
{% endtest %}
