select count(*) as big_spenders from {{ ref('big_spenders') }}
