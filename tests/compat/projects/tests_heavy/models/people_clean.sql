select id, name, age, email, team from {{ ref('people') }}
