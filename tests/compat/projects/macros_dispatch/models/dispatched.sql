{% do log('building dispatched', info=True) %}
{% set statuses = status_list() %}
{% set label %}
  {{ var('greeting') }}-{{ env_var('COMPAT_REGION', 'nowhere') }}-{{ env_var('COMPAT_MISSING', 'fallback') }}
{% endset %}
{% for s in statuses %}
select
  {{ loop.index }} as position,
  '{{ s }}' as status,
  {{ join_words("'" ~ s ~ "'", "'item'") }} as joined,
  {{ shout("'" ~ s ~ "'") }} as shouted,
  {{ sum_to(loop.index) }} as triangular,
  '{{ label | trim }}' as label,
  '{{ config.get('materialized') }}' as materialized,
  '{{ target.type }}' as target_type,
  {{ dollars('12345') }} as dollars
{% if not loop.last %}union all{% endif %}
{% endfor %}
