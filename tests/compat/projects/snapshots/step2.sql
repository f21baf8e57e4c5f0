-- second load: an update with a later updated_at, a delete, an insert, a status change without a new updated_at
update {{raw}}.customers set status = 'active', updated_at = '2024-01-02 09:00' where id = 1;
delete from {{raw}}.customers where id = 2;
insert into {{raw}}.customers values (5, 'eu', 'new', 1, '2024-01-02 09:00');
update {{raw}}.customers set status = 'late' where id = 3;
update {{raw}}.customers set status = 'seen', updated_at = '2024-01-02 09:00' where id = 4;
