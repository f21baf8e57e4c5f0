select status from {{ ref('dispatched') }}
{{ dbt.except() }}
select 'open'
union all
(select status from {{ ref('dispatched') }} {{ dbt.intersect() }} select 'new')
