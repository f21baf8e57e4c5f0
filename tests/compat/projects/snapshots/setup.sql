create table {{raw}}.customers (id int, region text, status text, tier int, updated_at timestamp);
insert into {{raw}}.customers values
  (1, 'eu', 'new', 1, '2024-01-01 10:00'), (2, 'eu', 'new', 1, '2024-01-01 10:00'),
  (3, 'us', 'new', 2, '2024-01-01 10:00'), (4, 'us', null, 2, '2024-01-01 10:00');
