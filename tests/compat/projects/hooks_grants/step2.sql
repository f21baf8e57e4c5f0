-- Grants made outside the project between the two builds: the second build revokes the ones its
-- relations' grants configs do not name (the run_log table, managed by no config, keeps them).
grant update on all tables in schema compat_dbt_hooks_grants to compat_analyst;
grant update on all tables in schema compat_lf_hooks_grants to compat_analyst;
