{# Full-width ASCII and brackets to half-width, spaces removed: the comparable form of a name. Only a text
   holding something to fold is translated (DuckDB's translate() costs 2 µs a row; most texts hold nothing). #}
{% macro fold_width(expr) -%}
    case when {{ regexp_contains(expr, "'[（）【】［］〔〕｛｝　０-９Ａ-Ｚａ-ｚ．－＿ 	]'") }}
    then replace(replace(translate({{ expr }},
        '（）【】［］〔〕｛｝　０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ．－＿',
        '()()()()() 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-_'),
        ' ', ''), '	', '')
    else {{ expr }} end
{%- endmacro %}

{# The normalised name used for exact matching: folded, upper-case, organisation-form synonyms unified. #}
{% macro normalize_org_name(expr) -%}
    replace(replace(upper({{ fold_width(expr) }}), '有限责任公司', '有限公司'), '股份有限公司', '股份公司')
{%- endmacro %}

{# The host of a URL or bare domain, lower case, without scheme, port, path or a leading www. #}
{% macro url_host(expr) -%}
    nullif(regexp_replace(
        split_part(split_part(split_part(regexp_replace(lower(trim({{ expr }})), '^[a-z]+://', ''), '/', 1), '?', 1), ':', 1),
        '^www\.', ''), '')
{%- endmacro %}

{# Stable id of an entity known only by its normalised name or domain. #}
{% macro name_entity_id(expr) -%}
    'N' || substr(md5({{ expr }}), 1, 16)
{%- endmacro %}
