select 'x' as id, 'y' as label, 1 as extra
