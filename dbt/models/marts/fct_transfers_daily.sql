with

transfers as (

    select * from {{ ref('int_transfers_enriched') }}

),

daily as (

    select
        transfer_date,
        count(*) as transfers_count,
        count(distinct sender_id) as senders_count,
        sum(file_count) as files_count,
        sum(size_bytes) as total_bytes,
        sum(case when is_downloaded then 1 else 0 end) as downloaded_transfers_count

    from transfers
    group by 1

),

final as (

    select
        transfer_date,
        transfers_count,
        senders_count,
        files_count,
        total_bytes,
        {{ bytes_to_gb('total_bytes') }} as total_gb,
        downloaded_transfers_count

    from daily

)

select * from final
