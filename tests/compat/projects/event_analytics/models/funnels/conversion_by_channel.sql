{%- set channels = [
    {'slug': 'home', 'group': 'Organic Browse'},
    {'slug': 'search', 'group': 'Site Search'},
    {'slug': 'p', 'group': 'Organic Browse'},
    {'slug': 'cart', 'group': 'Checkout Flow'},
    {'slug': 'checkout', 'group': 'Checkout Flow'},
] -%}

with events as (
    select *, {{ dbt.split_part('page_path', "'?'", 1) }} as slug from {{ ref('stg_events') }}
),

catalog as (
    select event_type, "displayName" as display_name, "Weight" as weight, is_conversion
    from {{ ref('event_catalog') }}
)

{% for group in channels | groupby('group') %}
select
    '{{ slugify(group.grouper) }}' as channel,
    {{ group.list | length }} as page_kinds,
    count(*) as events,
    sum(catalog.weight) as weighted_events,
    count(case when catalog.is_conversion then 1 end) as conversions
from events
left join catalog using (event_type)
where split_part(events.page_url, '/', 4) in {{ in_list(group.list | map(attribute='slug') | list) }}
   or events.slug in {{ in_list(group.list | map(attribute='slug') | list) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
