-- A day later: two orders change status, one new order with items and a payment arrives.
update {{raw}}.orders set status = 'completed', _etl_loaded_at = now() where id in (104, 105);
insert into {{raw}}.orders values (109, 6, 'placed', '2024-02-25 09:00', 500, now());
insert into {{raw}}.order_items values (109, 1, 3, 1, 4500), (109, 2, 1, 1, 1999);
insert into {{raw}}.payments values (10, 109, 'credit_card', 6999, '2024-02-25 09:01');
