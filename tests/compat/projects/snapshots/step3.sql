-- third load: the deleted row comes back, another update, another delete, a null status
insert into {{raw}}.customers values (2, 'eu', 'back', 3, '2024-01-03 08:00');
update {{raw}}.customers set status = 'churned', updated_at = '2024-01-03 08:00' where id = 1;
delete from {{raw}}.customers where id = 5;
update {{raw}}.customers set status = null, updated_at = '2024-01-03 08:00' where id = 4;
