{%- set metrics = [
    {'name': 'Sessions', 'expr': 'count(*)', 'enabled': true},
    {'name': 'Converted Sessions', 'expr': 'count(case when converted then 1 end)', 'enabled': true},
    {'name': 'Avg Events', 'expr': 'avg(events)::numeric(10,2)', 'enabled': true},
    {'name': 'Legacy Score', 'expr': 'sum(0)', 'enabled': false},
] -%}

select
    cast(started_at as date) as session_date,
    {%- for metric in metrics if metric.enabled %}
    {{ metric.expr }} as {{ slugify(metric.name) }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ ref('sessions') }}
group by 1
