select * from {{ source('shop', 'accounts') }}
