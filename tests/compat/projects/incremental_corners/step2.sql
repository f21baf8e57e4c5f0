-- an old order and a recent order change; a new order and its lines arrive
update {{raw}}.orders set status = 'shipped', amount = amount + 1, updated_at = date_trunc('day', now())::timestamp where order_id in (1, 3);
insert into {{raw}}.orders values (6, 200, 'placed', 60.00, date_trunc('day', now())::timestamp);
update {{raw}}.order_lines set qty = qty * 10, updated_at = date_trunc('day', now())::timestamp where (order_id, line_no) in ((1, 2), (3, 1));
insert into {{raw}}.order_lines values (6, 1, 'D', 7, date_trunc('day', now())::timestamp), (3, 3, 'E', 1, date_trunc('day', now())::timestamp);

-- the loader widens a column and adds one
alter table {{raw}}.customers alter column name type varchar(40);
alter table {{raw}}.customers add column region text;
insert into {{raw}}.customers values (400, 'Dorothea Lange-Whitfield', 'gold', '2024-04-01', 'emea');
update {{raw}}.customers set region = 'amer', signed_up = '2024-05-01' where customer_id = 100;

-- the loader drops a column and changes a type
alter table {{raw}}.accounts drop column legacy_code;
alter table {{raw}}.accounts alter column balance type numeric(12,2);
insert into {{raw}}.accounts values (3, 'cy', 300.50, '2024-01-03');
update {{raw}}.accounts set balance = 150.25, updated_at = '2024-01-04' where account_id = 1;
