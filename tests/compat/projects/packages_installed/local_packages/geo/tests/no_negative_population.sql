select * from {{ ref('stg_cities') }} where population < 0
