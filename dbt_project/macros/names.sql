{#- Name parsing for entity resolution. The region, organisation-form and industry lists are seeds that
    statisticians edit; they are turned into regular-expression alternations when the model runs.
    Special characters are written as one-character classes ([(]) so the same pattern is valid in
    DuckDB (RE2) and Spark (Java) string literals, with no backslashes. A model using these macros names
    the seeds in a depends_on comment, so that dbt builds them first. -#}

{% macro seed_alternation(seed_name, column) -%}
    {%- if execute -%}
        {#- the seed's table itself, not ref(): inside a unit test ref() names the test's fixture -#}
        {%- set relation = api.Relation.create(
            database=(target.database or none), schema=generate_schema_name('seeds', none), identifier=seed_name) -%}
        {%- set rows = run_query(
            "select " ~ column ~ " from " ~ relation ~ " order by length(" ~ column ~ ") desc, " ~ column) -%}
        {%- set items = [] -%}
        {%- for value in rows.columns[0].values() -%}
            {%- do items.append(value | replace('(', '[(]') | replace(')', '[)]') | replace('.', '[.]')) -%}
        {%- endfor -%}
        {{- return(items | join('|')) -}}
    {%- else -%}
        {{- return('_') -}}
    {%- endif -%}
{%- endmacro %}

{# A normalised name without quotes, leading regions, a bracketed region, organisation forms and suffixes
   (有限公司, 分公司, 集团, 平台, APP …), or a trailing region: what people call the organisation. #}
{% macro name_core(norm) -%}
    {%- set regions = seed_alternation('region_names', 'region_name') -%}
    {%- set forms = seed_alternation('org_forms', 'form') -%}
    {%- set stripped -%}
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    {{ regexp_replace_all(norm, "'[“”\"‘’「」《》]'", "''") }},
                    '^(?:{{ regions }})+', ''),
                '[(](?:{{ regions }})[)]', ''),
            '(?:{{ forms }})+$', '')
    {%- endset -%}
    coalesce(nullif(regexp_extract({{ stripped }}, '^(.{2,}?)(?:{{ regions }})$', 1), ''), {{ stripped }})
{%- endmacro %}

{# The region a name carries: at its start, in brackets, or before 分公司 at its end. #}
{% macro name_region(norm) -%}
    {%- set regions = seed_alternation('region_names', 'region_name') -%}
    coalesce(
        nullif(regexp_extract({{ norm }}, '^({{ regions }})', 1), ''),
        nullif(regexp_extract({{ norm }}, '[(]({{ regions }})[)]', 1), ''),
        nullif(regexp_extract({{ norm }}, '({{ regions }})分公司$', 1), ''))
{%- endmacro %}

{# The trade name (字号): the core without its industry words. #}
{% macro trade_name(core) -%}
    {%- set industries = seed_alternation('industry_terms', 'term') -%}
    regexp_replace({{ core }}, '(?:{{ industries }})+$', '')
{%- endmacro %}

{# A domain written inside a name (www.example.com网站), lower case, without www. #}
{% macro host_in_text(expr) -%}
    nullif(regexp_replace(regexp_extract(lower({{ expr }}), '([a-z0-9-]+[.])+[a-z]{2,}', 0), '^www[.]', ''), '')
{%- endmacro %}

{# The region an address starts with: the city after an optional province, else the province. #}
{% macro address_region(expr) -%}
    {%- set regions = seed_alternation('region_names', 'region_name') -%}
    nullif(regexp_extract({{ fold_width(expr) }}, '^(?:{{ regions }})?({{ regions }})', 1), '')
{%- endmacro %}

{# One part of a name's parse: its core, trade name or the region it carries. #}
{% macro name_part(norm, part) -%}
    {%- if part == 'core' -%}{{ name_core(norm) }}
    {%- elif part == 'trade' -%}{{ trade_name(name_core(norm)) }}
    {%- elif part == 'region' -%}{{ name_region(norm) }}
    {%- else -%}{{ exceptions.raise_compiler_error('name_part: ' ~ part) }}
    {%- endif -%}
{%- endmacro %}

{# What int_names_parsed's rows were computed with (a string literal): a hash of the parse's SQL, which holds
   the seeds' regions, forms and industries. #}
{% macro name_parse_fingerprint() -%}
    {{ return("'" ~ local_md5(name_part('n', 'core') ~ name_part('n', 'trade') ~ name_part('n', 'region')) ~ "'") }}
{%- endmacro %}

{# A part of a name's parse from int_names_parsed (alias `cache`, left-joined on name_norm), or parsed here for
   a name it lacks (a registration that fell back to an earlier name; a unit test's names). #}
{% macro cached_name_part(cache, norm, part) -%}
    case when {{ cache }}.name_norm is null then {{ name_part(norm, part) }} else {{ cache }}.{{ part }} end
{%- endmacro %}
