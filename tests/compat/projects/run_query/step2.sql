insert into {{raw}}.payments values (7, 5, 'paypal', 12.00), (8, 5, 'coupon', 1.00);
