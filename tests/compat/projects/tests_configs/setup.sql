create table {{raw}}.events (event_id int, kind text, customer_id int, occurred_at timestamp);
insert into {{raw}}.events values
  (1, 'click', 1, '2024-03-01 10:00'), (2, 'view', 1, '2024-03-01 10:05'), (3, 'click', 2, '2024-03-02 09:00'),
  (4, 'purchase', 3, '2024-03-02 11:00'), (4, 'view', 9, '2024-03-03 12:00'), (6, null, 2, null);
