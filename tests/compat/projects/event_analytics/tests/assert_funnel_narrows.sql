-- More purchases than page views on a day means the tracker double-fired.
select event_date
from {{ ref('fct_funnel_daily') }}
where purchase_visitors > page_view_visitors
