select id, w from {{ source('raw', 'b') }}
