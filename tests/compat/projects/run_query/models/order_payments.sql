-- dbt's pivot recipe: one column per payment method found in the warehouse at run time.
{% set payment_methods_query %}
select distinct payment_method from {{ ref('stg_payments') }} order by 1
{% endset %}

{% set results = run_query(payment_methods_query) %}

{% if execute %}
  {% set payment_methods = results.columns[0].values() %}
{% else %}
  {% set payment_methods = [] %}
{% endif %}

select
  order_id,
  {% for payment_method in payment_methods -%}
  sum(case when payment_method = '{{ payment_method }}' then amount else 0 end) as {{ payment_method }}_amount,
  {% endfor -%}
  sum(amount) as total_amount
from {{ ref('stg_payments') }}
group by 1
