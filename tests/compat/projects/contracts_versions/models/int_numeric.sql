select 3 as amount
