create table {{raw}}.a as select 1 as id, 'x' as v;
create table {{raw}}.b as select 1 as id, 'y' as w;
