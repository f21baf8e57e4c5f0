select id from {{ ref('dim', v=2) }}
