select id, count(*) as versions, sum(case when dbt_valid_to is null then 1 else 0 end) as open_versions
from {{ ref('snap_invalidate') }} group by id
