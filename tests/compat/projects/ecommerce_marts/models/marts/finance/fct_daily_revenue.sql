{%- set start_date = var('reporting_start') -%}
{%- set end_date = (modules.datetime.datetime.strptime(start_date, '%Y-%m-%d') + modules.datetime.timedelta(days=59)).strftime('%Y-%m-%d') -%}

with date_spine as (
    select cast(d as date) as date_day
    from generate_series(
        cast('{{ start_date }}' as {{ dbt.type_timestamp() }}),
        cast('{{ end_date }}' as {{ dbt.type_timestamp() }}),
        interval '1 day'
    ) as d
),

daily as (
    select
        order_date as date_day,
        count(*) as orders,
        sum(order_total) as revenue,
        sum(case when is_return then order_total else 0 end) as returned_revenue
    from {{ ref('fct_orders') }}
    group by 1
)

select
    date_spine.date_day,
    {{ dbt.date_trunc('month', 'date_spine.date_day') }} as month_start,
    {{ dbt.last_day('date_spine.date_day', 'month') }} as month_end,
    extract(isodow from date_spine.date_day) in (6, 7) as is_weekend,
    coalesce(daily.orders, 0) as orders,
    coalesce(daily.revenue, 0) as revenue,
    coalesce(daily.returned_revenue, 0) as returned_revenue,
    sum(coalesce(daily.revenue, 0)) over (order by date_spine.date_day rows between unbounded preceding and current row) as running_revenue,
    avg(coalesce(daily.revenue, 0)) over (order by date_spine.date_day rows between 6 preceding and current row)::numeric(12, 2) as revenue_7d_avg
from date_spine
left join daily using (date_day)
