-- Fails when the pivot has fewer method columns than the data has methods.
{% set methods = get_column_values(ref('stg_payments'), 'payment_method') %}
{% set columns = run_query("select count(*) from information_schema.columns where table_schema = '" ~ ref('order_payments').schema ~ "' and table_name = 'order_payments' and column_name like '%_amount' and column_name <> 'total_amount'") %}
select 1 as missing
where {{ methods | length }} <> {{ columns.columns[0].values()[0] if execute else 0 }}
