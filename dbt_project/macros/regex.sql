{# Replace every match of a pattern: DuckDB replaces only the first unless told 'g'; Spark replaces all. #}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{# True when a text holds a match of a pattern. #}
{% macro regexp_contains(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_contains')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regexp_contains(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_contains(expr, pattern) -%}
    ({{ expr }} rlike {{ pattern }})
{%- endmacro %}

{#- dbt's listagg on Spark (collect_list) ignores the order: order by the clause's keys with a comparator
    (nulls last, as DuckDB), and give null, not '', when there is nothing to join, as string_agg does. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set keys = [] -%}
    {%- if order_by_clause -%}
        {%- for part in modules.re.sub('(?i)^\\s*order\\s+by\\s+', '', order_by_clause).split(',') -%}
            {%- set m = modules.re.match('(?is)^\\s*(.*?)\\s+(asc|desc)\\s*$', part) -%}
            {%- do keys.append((m.group(1), m.group(2) | lower) if m else (part | trim, 'asc')) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set items -%}
        array_sort(collect_list(struct({{ measure }} as v
            {%- for key, _ in keys %}, {{ key }} as k{{ loop.index0 }}{% endfor %})), (l, r) -> case
            {%- for _, direction in keys %}
                {%- set a, b = ('l', 'r') if direction == 'asc' else ('r', 'l') %}
                when l.k{{ loop.index0 }} is null and r.k{{ loop.index0 }} is not null then 1
                when l.k{{ loop.index0 }} is not null and r.k{{ loop.index0 }} is null then -1
                when {{ a }}.k{{ loop.index0 }} < {{ b }}.k{{ loop.index0 }} then -1
                when {{ a }}.k{{ loop.index0 }} > {{ b }}.k{{ loop.index0 }} then 1
            {%- endfor %}
            else 0 end)
    {%- endset -%}
    {%- set values = 'transform(' ~ items ~ ', x -> x.v)' -%}
    {%- if limit_num %}{% set values = 'slice(' ~ values ~ ', 1, ' ~ limit_num ~ ')' %}{% endif -%}
    case when count({{ measure }}) = 0 then null else array_join({{ values }}, {{ delimiter_text }}) end
{%- endmacro %}
