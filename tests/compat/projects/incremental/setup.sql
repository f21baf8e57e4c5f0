create table {{raw}}.events (id int, kind text, amount int, updated_at date);
insert into {{raw}}.events values
  (1, 'a', 10, '2024-01-01'), (2, 'a', 20, '2024-01-02'), (3, 'b', 30, '2024-01-03'), (4, 'b', 40, '2024-01-04');
