{% set payments = scalar('select count(*) from ' ~ ref('stg_payments')) %}
{% set largest = scalar('select max(amount) from ' ~ ref('stg_payments')) %}

{% call statement('orders', fetch_result=True) %}
  select count(distinct order_id) as orders, min(order_id) as first_order from {{ ref('stg_payments') }}
{% endcall %}
{% set orders = load_result('orders') %}

select
  {{ payments }} as payments,
  {{ largest }} as largest_amount,
  {{ orders['data'][0][0] if execute else 0 }} as orders,
  {{ orders.table.rows[0]['first_order'] if execute else 0 }} as first_order,
  {{ orders['table'].columns | length if execute else 0 }} as fetched_columns,
  {{ 'true' if execute else 'false' }} as executed
