select * from {{ ref('stg_cities') }} where population >= {{ var('min_population') }}
