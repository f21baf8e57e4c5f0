-- A transfer can never expire before it was created; any row returned here is a broken record.
select
    transfer_id,
    created_at,
    expires_at

from {{ ref('fct_transfers') }}
where expires_at < created_at
