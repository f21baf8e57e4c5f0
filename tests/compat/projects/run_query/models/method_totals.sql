{% set totals = run_query('select payment_method, count(*) as payments, sum(amount) as total from ' ~ ref('stg_payments') ~ ' group by 1 order by 1') %}

{% if execute %}
  {% for row in totals.rows %}
  select '{{ row['payment_method'] }}'::text as payment_method, {{ row.payments }} as payments, {{ row[2] }} as total, {{ row.values() | length }} as cells
  {% if not loop.last %}union all{% endif %}
  {% endfor %}
{% else %}
  select null::text as payment_method, 0 as payments, 0.0 as total, 0 as cells
{% endif %}
