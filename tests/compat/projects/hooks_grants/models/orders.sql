{{ config(
    grants={'+select': ['compat_analyst']},
    pre_hook=[{'sql': "insert into " ~ target.schema ~ ".run_log (event) values ('before orders, outside the transaction')", 'transaction': False}],
    post_hook=[{'sql': "insert into " ~ target.schema ~ ".run_log (event) values ('after orders, outside the transaction')", 'transaction': False}]
) }}
-- Reads the table an on-run-start hook created.
select p.id, p.amount, (select count(*) from {{ target.schema }}.run_log where event = 'start') as starts
from {{ ref('payments') }} as p
