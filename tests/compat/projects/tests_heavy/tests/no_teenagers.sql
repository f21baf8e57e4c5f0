{{ config(severity='warn') }}
select * from {{ ref('people_clean') }} where age between 13 and 19
