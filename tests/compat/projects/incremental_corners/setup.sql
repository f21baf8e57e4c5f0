create table {{raw}}.orders (order_id int, customer_id int, status varchar(10), amount numeric(10,2), updated_at timestamp);
insert into {{raw}}.orders values
  (1, 100, 'placed', 10.00, date_trunc('day', now())::timestamp - interval '30 days'),
  (2, 100, 'placed', 20.00, date_trunc('day', now())::timestamp - interval '20 days'),
  (3, 200, 'placed', 30.00, date_trunc('day', now())::timestamp - interval '3 days'),
  (4, 300, 'placed', 40.00, date_trunc('day', now())::timestamp - interval '2 days'),
  (5, 300, 'returned', 50.00, date_trunc('day', now())::timestamp - interval '1 day');

create table {{raw}}.order_lines (order_id int, line_no int, sku text, qty int, updated_at timestamp);
insert into {{raw}}.order_lines values
  (1, 1, 'A', 1, date_trunc('day', now())::timestamp - interval '30 days'),
  (1, 2, 'B', 2, date_trunc('day', now())::timestamp - interval '30 days'),
  (2, 1, 'A', 1, date_trunc('day', now())::timestamp - interval '20 days'),
  (3, 1, 'C', 5, date_trunc('day', now())::timestamp - interval '3 days'),
  (3, 2, 'A', 1, date_trunc('day', now())::timestamp - interval '3 days'),
  (4, 1, 'B', 4, date_trunc('day', now())::timestamp - interval '2 days');

create table {{raw}}.customers (customer_id int, name varchar(10), tier text, signed_up date);
insert into {{raw}}.customers values
  (100, 'Ann', 'gold', '2024-01-01'), (200, 'Bob', 'silver', '2024-02-01'), (300, 'Cy', null, '2024-03-01');

create table {{raw}}.accounts (account_id int, owner text, legacy_code text, balance int, updated_at date);
insert into {{raw}}.accounts values
  (1, 'ann', 'L1', 100, '2024-01-01'), (2, 'bob', 'L2', 200, '2024-01-02');
