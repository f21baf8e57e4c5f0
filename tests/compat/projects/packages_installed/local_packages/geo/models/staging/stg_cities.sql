select city, region_code, population, lat, lon from {{ ref('cities') }}
