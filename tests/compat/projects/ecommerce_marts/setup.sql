create table {{raw}}.customers (id int, first_name text, last_name text, email text, country_code text, created_at timestamp, _etl_loaded_at timestamp);
insert into {{raw}}.customers values
  (1, 'Ada', 'Lovelace', 'ada@example.com', 'GB', '2024-01-03 10:00', now() - interval '30 minutes'),
  (2, 'Grace', 'Hopper', 'GRACE@EXAMPLE.COM', 'US', '2024-01-05 12:30', now() - interval '30 minutes'),
  (3, 'Alan', 'Turing', null, 'GB', '2024-01-10 08:15', now() - interval '30 minutes'),
  (4, 'Edsger', 'Dijkstra', 'edsger@example.nl', 'NL', '2024-02-01 09:00', now() - interval '30 minutes'),
  (5, 'Barbara', 'Liskov', 'barbara@example.com', 'US', '2024-02-11 17:45', now() - interval '30 minutes'),
  (6, 'Ken', 'Thompson', 'ken@example.com', 'XX', '2024-02-20 07:00', now() - interval '30 minutes');

create table {{raw}}.orders (id int, customer_id int, status text, ordered_at timestamp, shipping_cents int, _etl_loaded_at timestamp);
insert into {{raw}}.orders values
  (101, 1, 'completed', '2024-01-04 11:00', 500, now() - interval '3 hours'),
  (102, 2, 'completed', '2024-01-06 13:00', 0, now() - interval '3 hours'),
  (103, 1, 'returned', '2024-01-12 09:30', 500, now() - interval '3 hours'),
  (104, 3, 'shipped', '2024-01-15 18:00', 750, now() - interval '3 hours'),
  (105, 4, 'placed', '2024-02-02 10:10', 500, now() - interval '3 hours'),
  (106, 5, 'completed', '2024-02-12 14:00', 0, now() - interval '3 hours'),
  (107, 2, 'return_pending', '2024-02-14 16:20', 250, now() - interval '3 hours'),
  (108, 9, 'completed', '2024-02-18 12:00', 0, now() - interval '3 hours');

create table {{raw}}.order_items (order_id int, line_number int, product_id int, quantity int, unit_price_cents int);
insert into {{raw}}.order_items values
  (101, 1, 1, 2, 1999), (101, 2, 3, 1, 4500),
  (102, 1, 2, 1, 12900),
  (103, 1, 1, 1, 1999),
  (104, 1, 4, 3, 899), (104, 2, 2, 1, 12900),
  (105, 1, 3, 2, 4500),
  (106, 1, 5, 1, 30000), (106, 2, 1, 4, 1999),
  (107, 1, 4, 1, 899),
  (108, 1, 2, 1, 12900);

create table {{raw}}.products (id int, sku text, name text, category_id int, cost_cents int, is_active boolean);
insert into {{raw}}.products values
  (1, 'MUG-001', 'Coffee mug', 10, 600, true),
  (2, 'KBD-100', 'Mechanical keyboard', 20, 7000, true),
  (3, 'BOOK-42', 'SQL pocket guide', 30, 1500, true),
  (4, 'STK-007', 'Sticker pack', 10, 100, false),
  (5, 'MON-27', '27in monitor', 20, 21000, true);

create table {{raw}}.payments (id int, order_id int, payment_method text, amount_cents int, created_at timestamp);
insert into {{raw}}.payments values
  (1, 101, 'credit_card', 8998, '2024-01-04 11:01'),
  (2, 102, 'credit_card', 10000, '2024-01-06 13:01'),
  (3, 102, 'gift_card', 2900, '2024-01-06 13:02'),
  (4, 103, 'coupon', 1999, '2024-01-12 09:31'),
  (5, 104, 'bank_transfer', 15597, '2024-01-15 18:05'),
  (6, 105, 'credit_card', 9000, '2024-02-02 10:11'),
  (7, 106, 'credit_card', 37996, '2024-02-12 14:01'),
  (8, 107, 'coupon', 899, '2024-02-14 16:21'),
  (9, 108, 'paypal', 12900, '2024-02-18 12:01');
