-- Orders is reached through an unquoted identifier (PostgreSQL folds it to orders);
-- "Customers" and its "Name" column keep their case and must be quoted.
create table {{raw}}.orders (id int, amount int, loaded_at timestamp);
insert into {{raw}}.orders values (1, 10, now()), (2, 25, now()), (3, 5, now());
create table {{raw}}."Customers" (id int, "Name" text);
insert into {{raw}}."Customers" values (1, 'Ann'), (2, 'Bob');
create table {{raw}}.line_items (order_id int, qty int);
insert into {{raw}}.line_items values (1, 2), (1, 3), (2, 1);
