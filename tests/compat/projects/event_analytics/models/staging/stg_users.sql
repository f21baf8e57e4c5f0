select
    user_id,
    lower(email) as email,
    {{ dbt.split_part('email', "'@'", 2) }} as email_domain,
    {{ dbt.split_part('email', "'@'", 2) }} in {{ in_list(var('internal_domains')) }} as is_internal,
    signed_up_at,
    {{ dbt.right(dbt.cast('user_id', dbt.type_string()), 2) }} as user_suffix
from {{ source('tracking', 'users') }}
