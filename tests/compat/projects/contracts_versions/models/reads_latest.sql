select id from {{ ref('dim') }}
