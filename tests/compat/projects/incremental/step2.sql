update {{raw}}.events set amount = amount + 100, updated_at = '2024-01-05' where id in (2, 4);
insert into {{raw}}.events values (5, 'c', 50, '2024-01-06'), (6, 'a', 60, '2024-01-06');
