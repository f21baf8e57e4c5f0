select a.id, a.v, b.w from {{ ref('stg_a') }} a join {{ ref('stg_b') }} b using (id)
