{#
    Seeds land in a shared `<target>_seed_data` schema. Models with a custom schema go to
    `<target>_<custom>` outside prod and to `<custom>` in prod.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set default_schema = target.schema -%}
    {%- if node.resource_type == 'seed' -%}
        {{ default_schema }}_seed_data
    {%- elif custom_schema_name is none -%}
        {{ default_schema }}
    {%- elif target.name == 'prod' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ default_schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
