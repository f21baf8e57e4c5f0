create table {{raw}}.a as select 1 as id, 'x' as v, now() - interval '90 minutes' as loaded_at;
create table {{raw}}.b as select 1 as id, 'y' as w, (now() at time zone 'utc') - interval '3 hours' as loaded_at;
