{%- set features = var('tracked_features') -%}
{% do log('feature adoption for ' ~ features | length ~ ' features: ' ~ features | join(','), info=True) %}

select
    account_id,
    {%- for feature in features %}
    sum(case when feature = '{{ feature }}' then events else 0 end) as {{ feature }}_events,
    max(case when feature = '{{ feature }}' then 1 else 0 end) = 1 as uses_{{ feature }},
    {%- endfor %}
    count(distinct feature) as distinct_features,
    {{ dbt.listagg('distinct feature', "','", "order by feature") }} as features_used
from {{ ref('fct_usage_daily') }}
group by account_id
