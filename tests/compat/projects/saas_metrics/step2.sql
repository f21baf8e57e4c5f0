-- The next sync: new usage, a new invoice, one invoice corrected, and a plan upgrade.
insert into {{raw}}.usage_events
select 200000 + g, 1 + (g % 5), (array['dashboard', 'api', 'alerts'])[1 + (g % 3)],
       timestamp '2024-06-28 00:00' + (g * interval '53 minutes'), 2
from generate_series(1, 120) as g;
insert into {{raw}}.invoices values (1011, 8, 'sub_010', '2024-06-15', 0, 0, true, 'USD');
update {{raw}}.invoices set paid = true where invoice_id = 1008;
update {{raw}}.subscriptions set plan_id = 3, mrr_cents = 99900, updated_at = '2024-06-20 00:00' where subscription_id = 'sub_006';
update {{raw}}.accounts set _fivetran_synced = now();
