{# on_schema_change is ignore: new columns are dropped, but dbt still widens varchar columns #}
select * from {{ source('shop', 'customers') }}
