{%- set movements = ['new', 'expansion', 'contraction', 'churn', 'reactivation'] -%}
with monthly as (
    select
        month_start,
        sum(mrr) as mrr,
        {%- for movement in movements %}
        sum(case when movement = '{{ movement }}' then mrr_change else 0 end) as {{ movement }}_mrr,
        {%- endfor %}
        count(distinct case when mrr > 0 then account_id end) as paying_accounts
    from {{ ref('fct_mrr') }}
    group by 1
)

select
    month_start,
    {{ coalesce_zero('mrr', 'new_mrr', 'expansion_mrr', 'contraction_mrr', 'churn_mrr', 'reactivation_mrr', 'paying_accounts') }},
    round(-churn_mrr / nullif(lag(mrr) over (order by month_start), 0), 4) as churn_rate,
    sum(new_mrr) over (order by month_start rows unbounded preceding) as cumulative_new_mrr
from monthly
