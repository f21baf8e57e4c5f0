{%- set steps = var('funnel_steps') -%}

with daily as (
    select
        event_date,
        {%- for step in steps %}
        count(distinct case when event_type = '{{ step }}' then anonymous_id end) as {{ step }}_visitors{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_events') }}
    group by event_date
)

select
    event_date,
    {%- for step in steps %}
    {{ step }}_visitors,
    {%- if loop.previtem is defined and loop.previtem %}
    {{ safe_ratio(step ~ '_visitors', loop.previtem ~ '_visitors') }} as {{ loop.previtem }}_to_{{ step }}_rate,
    {%- endif %}
    {%- endfor %}
    {{ safe_ratio(steps | last ~ '_visitors', steps | first ~ '_visitors', precision=4) }} as overall_conversion
from daily
