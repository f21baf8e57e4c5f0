{{ config(
    incremental_strategy='delete+insert',
    unique_key='order_id',
    incremental_predicates=["DBT_INTERNAL_DEST.order_status <> 'returned'"]
) }}
select order_id, order_status, amount
from {{ ref('stg_orders') }}
