select
    plan_id,
    plan_name,
    tier,
    monthly_price,
    case billing_period when 'annual' then monthly_price * 12 else monthly_price end as list_price,
    billing_period,
    is_legacy,
    launched_on,
    {{ dbt.datediff('launched_on', "cast('" ~ var('as_of_date') ~ "' as date)", 'month') }} as months_on_sale
from {{ ref('plans') }}
