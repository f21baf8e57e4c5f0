{% set methods = get_column_values(ref('stg_payments'), 'payment_method') %}

select * from (
  {% for method in methods %}
  select {{ loop.index }} as rank, '{{ method }}'::text as payment_method
  {% if not loop.last %}union all{% endif %}
  {% endfor %}
  {% if methods | length == 0 %}select 0 as rank, null::text as payment_method{% endif %}
) ranked
