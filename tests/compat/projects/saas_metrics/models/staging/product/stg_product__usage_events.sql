select
    event_id,
    account_id,
    lower(feature) as feature,
    event_at,
    cast(event_at as date) as event_date,
    quantity,
    {{ dbt.hash(dbt.concat(['cast(account_id as ' ~ dbt.type_string() ~ ')', "'|'", 'feature'])) }} as account_feature_key
from {{ source('product', 'usage_events') }}
where feature in {{ in_list(var('tracked_features') + ['login']) }}
