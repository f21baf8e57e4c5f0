select month_start, sum(revenue) from {{ ref('fct_daily_revenue') }} group by 1
