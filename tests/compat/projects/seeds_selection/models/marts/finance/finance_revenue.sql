select status_name, sum(amount) as revenue
from {{ ref('fct_orders') }}
group by 1
