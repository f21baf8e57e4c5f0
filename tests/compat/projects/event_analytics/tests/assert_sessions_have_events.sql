{{ config(severity='warn', warn_if='>= 1', error_if='>= 5') }}
select session_id from {{ ref('sessions') }} where events < 1 or started_at > ended_at
