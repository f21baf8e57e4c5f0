{% macro month_spine(start_date, end_date) -%}
    {{ return(adapter.dispatch('month_spine', 'saas_metrics')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__month_spine(start_date, end_date) -%}
    with recursive months (month_start) as (
        select cast({{ start_date }} as date)
        union all
        select cast({{ dbt.dateadd('month', 1, 'month_start') }} as date) from months
        where month_start < cast({{ end_date }} as date)
    )
    select month_start from months
{%- endmacro %}

{% macro postgres__month_spine(start_date, end_date) -%}
    select cast(m as date) as month_start
    from generate_series(
        {{ dbt.date_trunc('month', 'cast(' ~ start_date ~ ' as date)') }},
        {{ dbt.date_trunc('month', 'cast(' ~ end_date ~ ' as date)') }},
        interval '1 month'
    ) as m
{%- endmacro %}
