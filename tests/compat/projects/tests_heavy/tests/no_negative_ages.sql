{{ config(warn_if='>=1', error_if='>=3') }}
select * from {{ ref('people_clean') }} where age < 0
