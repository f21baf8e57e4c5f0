select id, region, status, tier, updated_at from {{ source('raw', 'customers') }}
