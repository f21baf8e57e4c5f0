with account_months as (
    select * from {{ ref('int_account_months') }}
),

with_previous as (
    select
        account_id,
        month_start,
        mrr,
        tier,
        lag(mrr) over (partition by account_id order by month_start) as previous_mrr,
        lag(month_start) over (partition by account_id order by month_start) as previous_month,
        min(month_start) over (partition by account_id) as first_month
    from account_months
)

select
    {{ dbt.concat(["cast(account_id as " ~ dbt.type_string() ~ ")", "'-'", "to_char(month_start, 'YYYYMM')"]) }} as account_month_id,
    account_id,
    month_start,
    mrr,
    coalesce(previous_mrr, 0) as previous_mrr,
    mrr - coalesce(previous_mrr, 0) as mrr_change,
    case
        when month_start = first_month then 'new'
        when previous_month < {{ dbt.dateadd('month', -1, 'month_start') }} then 'reactivation'
        when mrr > previous_mrr then 'expansion'
        when mrr < previous_mrr then 'contraction'
        else 'flat'
    end as movement,
    tier
from with_previous

union all

-- A churned account shows once, in the month after its last revenue, with zero MRR.
select
    {{ dbt.concat(["cast(account_id as " ~ dbt.type_string() ~ ")", "'-'", "to_char(" ~ dbt.dateadd('month', 1, 'month_start') ~ ", 'YYYYMM')"]) }},
    account_id,
    cast({{ dbt.dateadd('month', 1, 'month_start') }} as date),
    0,
    mrr,
    -mrr,
    'churn',
    tier
from with_previous as w
where not exists (
    select 1 from account_months as n
    where n.account_id = w.account_id and n.month_start = cast({{ dbt.dateadd('month', 1, 'w.month_start') }} as date)
)
and month_start < {{ dbt.date_trunc('month', "cast('" ~ var('as_of_date') ~ "' as date)") }}
