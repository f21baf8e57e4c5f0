select
  {{ dbt.listagg('status', "','", "order by status") }} as all_statuses,
  {{ dbt.any_value('status') }} as some_status,
  {{ dbt.bool_or('position > 2') }} as any_big,
  count(*) as n
from {{ ref('dispatched') }}
