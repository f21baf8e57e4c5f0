-- The tracker adds a device column and sends a new day of events.
alter table {{raw}}.events add column device text;
insert into {{raw}}.events
select
  1000 + g, 'anon_' || (1 + g % 6), 100 + (g % 6), (array['page_view', 'add_to_cart', 'purchase'])[1 + g % 3],
  'https://shop.example.com/p/mug', timestamp '2024-03-04 09:00' + (g * interval '7 minutes'),
  jsonb_build_object('value', 10, 'currency', 'USD'), 1, now(), case when g % 2 = 0 then 'mobile' else 'desktop' end
from generate_series(1, 30) as g;
alter table {{raw}}.users drop column plan;
