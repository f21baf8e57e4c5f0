{{ config(alias='dim_product', post_hook="comment on table {{ this }} is 'products with margins'") }}

with products as (
    select * from {{ ref('stg_products') }}
),

sales as (
    select
        product_id,
        sum(quantity) as units_sold,
        sum(line_amount) as revenue,
        sum(line_margin) as margin
    from {{ ref('int_order_items_enriched') }}
    group by 1
)

select
    products.product_id,
    products.sku,
    products.sku_family,
    products.product_name,
    categories.category_name,
    categories.margin_target,
    coalesce(sales.units_sold, 0) as units_sold,
    coalesce(sales.revenue, 0) as revenue,
    round({{ safe_divide('sales.margin', 'sales.revenue') }}, 4) as margin_rate,
    rank() over (order by coalesce(sales.revenue, 0) desc) as revenue_rank,
    products.is_active_text
from products
left join sales using (product_id)
left join {{ ref('product_categories') }} as categories using (category_id)
