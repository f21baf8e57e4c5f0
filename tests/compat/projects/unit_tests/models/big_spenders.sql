select customer_id from {{ ref('customer_totals') }} where total > {{ var('threshold', 15) }}
