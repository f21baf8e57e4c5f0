create table {{raw}}.events (
  event_id bigint, anonymous_id text, user_id int, event_type text, page_url text,
  event_at timestamp, properties jsonb, "order" int, _loaded_at timestamptz
);
insert into {{raw}}.events
select
  g,
  'anon_' || (1 + g % 12),
  case when g % 12 in (0, 5) then null else 100 + (g % 12) end,
  (array['page_view', 'product_view', 'add_to_cart', 'checkout', 'purchase', 'page_view', 'search'])[1 + (g * 7 % 11) % 7],
  'https://shop.example.com/' || (array['home', 'p/mug', 'p/kbd', 'cart', 'checkout?step=2', 'search?q=sql'])[1 + g % 6],
  timestamp '2024-03-01 08:00' + (g * interval '11 minutes') + ((g % 5) * interval '3 hours'),
  jsonb_build_object('value', (g % 9) * 5, 'currency', case when g % 4 = 0 then 'EUR' else 'USD' end),
  g % 3,
  now() - interval '2 hours'
from generate_series(1, 240) as g;

create table {{raw}}.users (user_id int, email text, signed_up_at timestamp, plan text);
insert into {{raw}}.users values
  (101, 'amy@shop.com', '2024-01-05', 'free'), (102, 'bo@example.org', '2024-01-07', 'pro'),
  (103, 'cy@mail.net', '2024-02-01', 'free'), (104, 'di@test.local', '2024-02-11', 'pro'),
  (106, 'ed@mail.net', '2024-02-12', 'free'), (107, 'fa@shop.com', '2024-02-20', 'team'),
  (108, 'gu@mail.net', '2024-02-25', 'free'), (109, 'ha@mail.net', '2024-02-27', 'pro'),
  (110, 'io@mail.net', '2024-02-28', 'free'), (111, 'ju@mail.net', '2024-02-29', null);
