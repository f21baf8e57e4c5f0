{{ config(materialized='view') }}

{%- set methods = payment_methods() %}

with totals as (
    select
        {%- for method in methods %}
        sum({{ method }}_amount) as {{ method }}_amount,
        {%- endfor %}
        sum(total_paid) as total_paid
    from {{ ref('fct_orders') }}
)

select
    {%- for method in methods %}
    round({{ safe_divide(method ~ '_amount', 'total_paid', default_value=0) }}, 4) as {{ method }}_share,
    {%- endfor %}
    round(
        {%- for method in methods %}
        {{ safe_divide(method ~ '_amount', 'total_paid', 0) }}{% if not loop.last %} +{% endif %}
        {%- endfor %}
    , 4) as share_total
from totals
