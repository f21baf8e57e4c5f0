{{ config(materialized='view') }}
{%- set definitions = {'sessions': 'count of sessions', 'conversion': "sessions with a purchase, over sessions"} %}
{%- set timeout_note -%}
{% filter upper %}timeout {{ var('session_timeout_minutes') }} min{% endfilter %}
{%- endset %}

{% for key, description in definitions | dictsort %}
select
    '{{ key }}' as kpi,
    '{{ dbt.escape_single_quotes(description) }}' as description,
    '{{ timeout_note | trim }}' as note,
    cast('{{ tojson({"kpi": key, "steps": var("funnel_steps") | length}) }}' as jsonb) as spec,
    {{ loop.index }} as position
{{ 'union all' if not loop.last }}
{% endfor %}
