create table {{raw}}.payments (payment_id int, order_id int, payment_method text, amount numeric(10, 2));
insert into {{raw}}.payments values
  (1, 1, 'credit_card', 10.50), (2, 1, 'coupon', 2.00), (3, 2, 'credit_card', 7.25),
  (4, 3, 'bank_transfer', 20.00), (5, 4, 'credit_card', 3.00), (6, 4, 'gift_card', 1.25);
