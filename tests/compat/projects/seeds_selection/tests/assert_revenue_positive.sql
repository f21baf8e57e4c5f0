select * from {{ ref('finance_revenue') }} where revenue < 0
