create table {{raw}}.accounts (
  account_id int, account_name text, industry text, country text, created_at timestamp, is_test_account boolean, seats int,
  _fivetran_synced timestamp with time zone
);
insert into {{raw}}.accounts values
  (1, 'Acme Corp', 'manufacturing', 'DE', '2023-12-15 09:00', false, 25, now() - interval '20 minutes'),
  (2, 'Globex', 'energy', 'US', '2024-01-10 10:30', false, 120, now() - interval '20 minutes'),
  (3, 'Initech', 'software', 'US', '2024-01-20 14:00', false, 8, now() - interval '20 minutes'),
  (4, 'Umbrella', 'pharma', 'FR', '2024-02-03 08:15', false, 60, now() - interval '20 minutes'),
  (5, 'Hooli', 'software', 'US', '2024-02-14 16:45', false, 300, now() - interval '20 minutes'),
  (6, 'Test Account', 'internal', 'DE', '2024-02-20 12:00', true, 1, now() - interval '20 minutes'),
  (7, 'Stark Industries', 'manufacturing', 'US', '2024-03-05 11:00', false, 45, now() - interval '20 minutes'),
  (8, 'Wayne Enterprises', null, 'US', '2024-04-01 09:30', false, 80, now() - interval '20 minutes');

create table {{raw}}.subscriptions (
  subscription_id text, account_id int, plan_id int, status text, started_at date, ended_at date, mrr_cents int, updated_at timestamp
);
insert into {{raw}}.subscriptions values
  ('sub_001', 1, 1, 'canceled', '2024-01-01', '2024-02-29', 4900, '2024-03-01 00:00'),
  ('sub_002', 1, 2, 'active', '2024-03-01', null, 19900, '2024-03-01 00:00'),
  ('sub_003', 2, 3, 'active', '2024-01-15', null, 99900, '2024-01-15 00:00'),
  ('sub_004', 3, 1, 'canceled', '2024-02-01', '2024-03-31', 4900, '2024-04-01 00:00'),
  ('sub_005', 3, 1, 'active', '2024-05-01', null, 4900, '2024-05-01 00:00'),
  ('sub_006', 4, 2, 'active', '2024-02-10', null, 19900, '2024-02-10 00:00'),
  ('sub_007', 5, 3, 'past_due', '2024-03-01', null, 149900, '2024-06-01 00:00'),
  ('sub_008', 6, 1, 'active', '2024-02-20', null, 0, '2024-02-20 00:00'),
  ('sub_009', 7, 4, 'active', '2024-03-10', null, 9900, '2024-03-10 00:00'),
  ('sub_010', 8, 2, 'trialing', '2024-06-15', null, 0, '2024-06-15 00:00'),
  ('sub_004', 3, 1, 'canceled', '2024-02-01', '2024-03-31', 4900, '2024-03-15 00:00');

create table {{raw}}.invoices (
  invoice_id int, account_id int, subscription_id text, issued_on date, amount_cents int, tax_cents int, paid boolean, currency text
);
insert into {{raw}}.invoices values
  (1001, 1, 'sub_001', '2024-01-01', 4900, 931, true, 'EUR'),
  (1002, 2, 'sub_003', '2024-01-15', 99900, 0, true, 'USD'),
  (1003, 1, 'sub_001', '2024-02-01', 4900, 931, true, 'EUR'),
  (1004, 3, 'sub_004', '2024-02-01', 4900, 0, true, 'USD'),
  (1005, 4, 'sub_006', '2024-02-10', 19900, 3781, true, 'EUR'),
  (1006, 2, 'sub_003', '2024-02-15', 99900, 0, true, 'USD'),
  (1007, 1, 'sub_002', '2024-03-01', 19900, 3781, true, 'EUR'),
  (1008, 5, 'sub_007', '2024-03-01', 149900, 0, false, 'USD'),
  (1009, 3, 'sub_004', '2024-03-01', 4900, 0, false, 'USD'),
  (1010, 7, 'sub_009', '2024-03-10', 9900, 0, true, 'usd');

create table {{raw}}.usage_events (
  event_id bigint, account_id int, feature text, event_at timestamp, quantity int
);
insert into {{raw}}.usage_events
select 100000 + g, 1 + (g % 8), (array['dashboard', 'api', 'export', 'alerts', 'login'])[1 + (g % 5)],
       timestamp '2024-06-01 00:00' + (g * interval '97 minutes'), 1 + (g % 4)
from generate_series(1, 400) as g;
