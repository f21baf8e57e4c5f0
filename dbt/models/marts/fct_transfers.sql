{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='transfer_id',
        partition_by={'field': 'created_at', 'granularity': 'month'},
        retention_months=24,
        window_lookback_days=var('lookback_days'),
        unload_before_drop='s3://landfall-archive/fct_transfers/'
    )
}}

with

transfers as (

    select * from {{ ref('int_transfers_enriched') }}

    {% if is_incremental() %}
    -- Only the run's window (since the last published window, minus lookback_days for late updates):
    -- landfall writes just the month tables it overlaps.
    where created_at >= '{{ var("window_start") }}' and created_at < '{{ var("window_end") }}'
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
