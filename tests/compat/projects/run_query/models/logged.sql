{{ config(pre_hook="{{ log_run('pre_hook') }}") }}
-- The same statement twice runs twice; the pre_hook's once.
{% do log_run('body') %}
{% do log_run('body') %}
select 1 as id
