with items as (
    select * from {{ ref('stg_order_items') }}
),

products as (
    select * from {{ ref('stg_products') }}
),

categories as (
    select * from {{ ref('product_categories') }}
)

select
    items.order_item_id,
    items.order_id,
    items.product_id,
    products.product_name,
    categories.category_name,
    items.quantity,
    items.line_amount,
    items.quantity * products.unit_cost as line_cost,
    items.line_amount - items.quantity * products.unit_cost as line_margin
from items
left join products using (product_id)
left join categories on categories.category_id = products.category_id
