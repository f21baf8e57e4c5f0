select id, v from {{ source('raw', 'a') }}
