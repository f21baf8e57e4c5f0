/**
 * dbt's cross-database macros (the `dbt.` namespace), as Jinja text in the shape dbt-core defines them:
 * each public macro dispatches (`adapter.dispatch(name, 'dbt')`) to `redshift__`, `postgres__` or
 * `default__` implementations, so a project can override any one of them by defining, e.g.,
 * `postgres__any_value`. Loaded before the project's macros (see ./index.ts).
 */
const dispatching = (name: string, args: string[]) =>
  `{% macro ${name}(${args.join(', ')}) %}{{ return(adapter.dispatch('${name}', 'dbt')(${args.map((a) => a.split('=')[0]).join(', ')})) }}{% endmacro %}`;

export const CROSS_DATABASE_MACROS = `
${dispatching('dateadd', ['datepart', 'interval', 'from_date_or_timestamp'])}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }}){% endmacro %}
{% macro postgres__dateadd(datepart, interval, from_date_or_timestamp) %}{{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }})){% endmacro %}
{% macro redshift__dateadd(datepart, interval, from_date_or_timestamp) %}dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }}){% endmacro %}

${dispatching('datediff', ['first_date', 'second_date', 'datepart'])}
{% macro default__datediff(first_date, second_date, datepart) %}datediff({{ datepart }}, {{ first_date }}, {{ second_date }}){% endmacro %}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
{%- if datepart == 'year' -%}
(date_part('year', ({{ second_date }})::date) - date_part('year', ({{ first_date }})::date))
{%- elif datepart == 'quarter' -%}
({{ dbt.datediff(first_date, second_date, 'year') }} * 4 + date_part('quarter', ({{ second_date }})::date) - date_part('quarter', ({{ first_date }})::date))
{%- elif datepart == 'month' -%}
({{ dbt.datediff(first_date, second_date, 'year') }} * 12 + date_part('month', ({{ second_date }})::date) - date_part('month', ({{ first_date }})::date))
{%- elif datepart == 'day' -%}
(({{ second_date }})::date - ({{ first_date }})::date)
{%- elif datepart == 'week' -%}
({{ dbt.datediff(first_date, second_date, 'day') }} / 7 + case
    when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then
        case when {{ first_date }} <= {{ second_date }} then 0 else -1 end
    else
        case when {{ first_date }} <= {{ second_date }} then 1 else 0 end
end)
{%- elif datepart == 'hour' -%}
({{ dbt.datediff(first_date, second_date, 'day') }} * 24 + date_part('hour', ({{ second_date }})::timestamp) - date_part('hour', ({{ first_date }})::timestamp))
{%- elif datepart == 'minute' -%}
({{ dbt.datediff(first_date, second_date, 'hour') }} * 60 + date_part('minute', ({{ second_date }})::timestamp) - date_part('minute', ({{ first_date }})::timestamp))
{%- elif datepart == 'second' -%}
({{ dbt.datediff(first_date, second_date, 'minute') }} * 60 + floor(date_part('second', ({{ second_date }})::timestamp)) - floor(date_part('second', ({{ first_date }})::timestamp)))
{%- elif datepart == 'millisecond' -%}
({{ dbt.datediff(first_date, second_date, 'minute') }} * 60000 + floor(date_part('millisecond', ({{ second_date }})::timestamp)) - floor(date_part('millisecond', ({{ first_date }})::timestamp)))
{%- else -%}
{{ exceptions.raise_compiler_error("Unsupported datepart for macro datediff in postgres: " ~ datepart) }}
{%- endif -%}
{%- endmacro %}
{% macro redshift__datediff(first_date, second_date, datepart) %}datediff({{ datepart }}, {{ first_date }}, {{ second_date }}){% endmacro %}

${dispatching('date_trunc', ['datepart', 'date'])}
{% macro default__date_trunc(datepart, date) %}date_trunc('{{ datepart }}', {{ date }}){% endmacro %}

${dispatching('last_day', ['date', 'datepart'])}
{% macro default_last_day(date, datepart) %}cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date){% endmacro %}
{% macro default__last_day(date, datepart) %}{{ dbt.default_last_day(date, datepart) }}{% endmacro %}
{% macro postgres__last_day(date, datepart) -%}
{%- if datepart == 'quarter' -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }} as date)
{%- else -%}
{{ dbt.default_last_day(date, datepart) }}
{%- endif -%}
{%- endmacro %}

${dispatching('current_timestamp', [])}
{% macro default__current_timestamp() %}current_timestamp{% endmacro %}
{% macro postgres__current_timestamp() %}now(){% endmacro %}
{% macro redshift__current_timestamp() %}getdate(){% endmacro %}

${dispatching('safe_cast', ['field', 'type'])}
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}

${dispatching('cast', ['field', 'type'])}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}

${dispatching('type_string', [])}
{% macro default__type_string() %}{{ return('TEXT') }}{% endmacro %}
{% macro redshift__type_string() %}{{ return('varchar') }}{% endmacro %}
${dispatching('type_timestamp', [])}
{% macro default__type_timestamp() %}{{ return('timestamp') }}{% endmacro %}
${dispatching('type_float', [])}
{% macro default__type_float() %}{{ return('float') }}{% endmacro %}
${dispatching('type_numeric', [])}
{% macro default__type_numeric() %}{{ return('numeric(28,6)') }}{% endmacro %}
${dispatching('type_bigint', [])}
{% macro default__type_bigint() %}{{ return('bigint') }}{% endmacro %}
${dispatching('type_int', [])}
{% macro default__type_int() %}{{ return('integer') }}{% endmacro %}
${dispatching('type_boolean', [])}
{% macro default__type_boolean() %}{{ return('boolean') }}{% endmacro %}

${dispatching('concat', ['fields'])}
{% macro default__concat(fields) %}{{ fields | join(' || ') }}{% endmacro %}

${dispatching('hash', ['field'])}
{% macro default__hash(field) %}md5(cast({{ field }} as {{ dbt.type_string() }})){% endmacro %}

${dispatching('split_part', ['string_text', 'delimiter_text', 'part_number'])}
{% macro default__split_part(string_text, delimiter_text, part_number) %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }}){% endmacro %}
{# dbt-postgres and dbt-redshift count a negative part from the end with this formula (one-character delimiters). #}
{% macro postgres__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 -%}{{ dbt.default__split_part(string_text, delimiter_text, part_number) }}{%- else -%}{{ dbt._split_part_negative(string_text, delimiter_text, part_number) }}{%- endif -%}
{%- endmacro %}
{% macro redshift__split_part(string_text, delimiter_text, part_number) -%}
{%- if part_number >= 0 -%}{{ dbt.default__split_part(string_text, delimiter_text, part_number) }}{%- else -%}{{ dbt._split_part_negative(string_text, delimiter_text, part_number) }}{%- endif -%}
{%- endmacro %}
{% macro _split_part_negative(string_text, delimiter_text, part_number) -%}
split_part({{ string_text }}, {{ delimiter_text }}, length({{ string_text }}) - length(replace({{ string_text }}, {{ delimiter_text }}, '')) + 2 + {{ part_number }})
{%- endmacro %}

${dispatching('listagg', ['measure', 'delimiter_text="\',\'"', 'order_by_clause=none', 'limit_num=none'])}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
listagg({{ measure }}, {{ delimiter_text }}) within group ({{ order_by_clause }})
{%- endmacro %}
{% macro postgres__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
{%- if limit_num -%}
array_to_string((array_agg({{ measure }}{% if order_by_clause %} {{ order_by_clause }}{% endif %}))[1:{{ limit_num }}], {{ delimiter_text }})
{%- else -%}
string_agg({{ measure }}, {{ delimiter_text }}{% if order_by_clause %} {{ order_by_clause }}{% endif %})
{%- endif -%}
{%- endmacro %}
{% macro redshift__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}

${dispatching('any_value', ['expression'])}
{% macro default__any_value(expression) %}any_value({{ expression }}){% endmacro %}
{% macro postgres__any_value(expression) %}min({{ expression }}){% endmacro %}

${dispatching('bool_or', ['expression'])}
{% macro default__bool_or(expression) %}bool_or({{ expression }}){% endmacro %}

${dispatching('position', ['substring_text', 'string_text'])}
{% macro default__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}

${dispatching('length', ['expression'])}
{% macro default__length(expression) %}length({{ expression }}){% endmacro %}
{% macro redshift__length(expression) %}len({{ expression }}){% endmacro %}

${dispatching('replace', ['field', 'old_chars', 'new_chars'])}
{% macro default__replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}

${dispatching('right', ['string_text', 'length_expression'])}
{% macro default__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro redshift__right(string_text, length_expression) -%}
case when {{ length_expression }} = 0 then '' else right({{ string_text }}, {{ length_expression }}) end
{%- endmacro %}

${dispatching('string_literal', ['value'])}
{% macro default__string_literal(value) %}'{{ value }}'{% endmacro %}

${dispatching('escape_single_quotes', ['expression'])}
{% macro default__escape_single_quotes(expression) %}{{ expression | replace("'", "''") }}{% endmacro %}

${dispatching('except', [])}
{% macro default__except() %}except{% endmacro %}

${dispatching('intersect', [])}
{% macro default__intersect() %}intersect{% endmacro %}

${dispatching('cast_bool_to_text', ['field'])}
{% macro default__cast_bool_to_text(field) %}cast({{ field }} as {{ dbt.type_string() }}){% endmacro %}

${dispatching('array_construct', ['inputs=[]', 'data_type=none'])}
{% macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}array[ {{ inputs | join(' , ') }} ]{%- else -%}array[]::{{ data_type }}[]{%- endif -%}
{%- endmacro %}
{% macro redshift__array_construct(inputs, data_type) %}array( {{ inputs | join(' , ') }} ){% endmacro %}

${dispatching('array_append', ['array', 'new_element'])}
{% macro default__array_append(array, new_element) %}array_append({{ array }}, {{ new_element }}){% endmacro %}
{% macro redshift__array_append(array, new_element) %}{{ dbt.array_concat(array, dbt.array_construct([new_element])) }}{% endmacro %}

${dispatching('array_concat', ['array_1', 'array_2'])}
{% macro default__array_concat(array_1, array_2) %}array_cat({{ array_1 }}, {{ array_2 }}){% endmacro %}
{% macro redshift__array_concat(array_1, array_2) %}array_concat({{ array_1 }}, {{ array_2 }}){% endmacro %}
`;
