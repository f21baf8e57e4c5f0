select account_id, owner, balance, updated_at from {{ source('shop', 'accounts') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
