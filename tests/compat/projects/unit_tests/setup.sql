create table {{raw}}.orders (id int, customer_id int, amount numeric(10, 2), status text, ordered_at date);
insert into {{raw}}.orders values
  (1, 10, 20.00, 'paid', '2024-01-01'), (2, 10, 5.50, 'refunded', '2024-01-02'),
  (3, 11, 12.25, 'paid', '2024-01-03'), (4, 12, 7.00, 'pending', '2024-01-04');
