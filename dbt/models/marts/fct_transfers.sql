{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='transfer_id'
    )
}}

with

transfers as (

    select * from {{ ref('int_transfers_enriched') }}

    {% if is_incremental() %}
    -- Rows changed since the last build, plus a lookback window for late-arriving updates.
    where updated_at >= (
        select max(updated_at) - interval '{{ var("lookback_days") }} days' from {{ this }}
    )
    {% endif %}

),

final as (

    select
        transfer_id,
        sender_id,
        sender_plan_id,
        sender_country_code,
        transfer_type,
        status,
        file_count,
        recipient_count,
        size_bytes,
        size_gb,
        transfer_date,
        created_at,
        expires_at,
        first_downloaded_at,
        is_downloaded,
        minutes_to_first_download,
        updated_at

    from transfers

)

select * from final
