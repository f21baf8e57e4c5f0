select
    c.city,
    {{ geo.region_label('c.region_code') }} as region,
    {{ geo.population_band('c.population') }} as band,
    {{ geo.haversine_km(0, 0, 'c.lat', 'c.lon') }} as km_from_origin
from {{ ref('cities_filtered') }} c
