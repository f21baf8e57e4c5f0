create table {{raw}}.orders (order_id int, customer_id int, status_code text, ordered_at timestamp, amount numeric(10,2));
insert into {{raw}}.orders values
  (1, 1, 'P', '2024-01-01 10:00', 10.00), (2, 2, 'S', '2024-01-01 12:00', 22.50),
  (3, 1, 'S', '2024-01-02 09:30', 5.25), (4, 3, 'X', '2024-01-03 15:00', 99.99);
create table {{raw}}.order_items (order_id int, sku text, qty int);
insert into {{raw}}.order_items values (1, 'A', 1), (2, 'B', 3), (3, 'A', 2), (4, 'C', 1);
