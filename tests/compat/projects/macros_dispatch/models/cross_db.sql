with base as (
  select 1 as id, '2024-01-31'::date as d, 'a,b,c' as csv, true as flag, 'O''Brien' as who
  union all
  select 2, '2024-02-15'::date, 'x,y,z', false, 'Smith'
)
select
  id,
  {{ dbt.dateadd('day', 3, 'd') }} as plus_three,
  {{ dbt.datediff("'2024-01-01'::date", 'd', 'day') }} as days_since,
  {{ dbt.datediff("'2024-01-01'::date", 'd', 'month') }} as months_since,
  {{ dbt.date_trunc('month', 'd') }} as month_start,
  {{ dbt.last_day('d', 'month') }} as month_end,
  {{ dbt.safe_cast("'42'", dbt.type_int()) }} as forty_two,
  {{ dbt.cast("id", dbt.type_string()) }} as id_text,
  cast(id as {{ dbt.type_bigint() }}) as id_big,
  cast(id as {{ dbt.type_numeric() }}) as id_num,
  cast(id as {{ dbt.type_float() }}) as id_float,
  cast(d as {{ dbt.type_timestamp() }}) as d_ts,
  cast(flag as {{ dbt.type_boolean() }}) as flag_bool,
  {{ dbt.concat(['csv', "'!'"]) }} as csv_bang,
  {{ dbt.hash('csv') }} as csv_hash,
  {{ dbt.split_part('csv', "','", 2) }} as second_part,
  {{ dbt.position("'b'", 'csv') }} as b_position,
  {{ dbt.length('csv') }} as csv_length,
  {{ dbt.replace('csv', "','", "';'") }} as semicolons,
  {{ dbt.right('csv', 3) }} as last_three,
  {{ dbt.string_literal('lit') }} as literal,
  '{{ dbt.escape_single_quotes("it's") }}' as escaped,
  {{ dbt.cast_bool_to_text('flag') }} as flag_text,
  who
from base
