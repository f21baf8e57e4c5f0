{% call wrap_select('inner_q') %}
  select position, status from {{ ref('dispatched') }}
{% endcall %}
