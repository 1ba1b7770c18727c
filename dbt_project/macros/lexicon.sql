{# The lexicon terms found in each text of `bodies` (a relation or subquery with record_type, record_id, body
   and the `extra` columns): one row per record and term. A term inside an exclusion phrase (a negation or an
   innocent use) found in the same text does not count. #}
{% macro lexicon_terms(bodies, extra=[]) -%}
    select m.record_type, m.record_id, {% for c in extra %}m.{{ c }}, {% endfor -%}
        m.term, m.category, m.legal_form, m.indicator_id, m.weight
    from (
        select b.*, l.term, l.category, l.legal_form, l.indicator_id, l.weight
        from {{ bodies }} as b
        inner join {{ ref('lexicon') }} as l
            on {{ dbt.position('l.term', 'b.body') }} > 0
    ) as m
    where not exists (
        select 1
        from {{ ref('lexicon_exclusions') }} as x
        where {{ dbt.position('x.phrase', 'm.body') }} > 0
            and (x.term = '*' or x.term = m.term)
    )
{%- endmacro %}

{# A hash of the lexicon and its exclusions (a scalar subquery): what int_text_terms_matched was matched with,
   and one of the settings the '*' fingerprint covers. #}
{% macro lexicon_fingerprint() -%}
    (select {{ dbt.hash(dbt.listagg('item', "'#'", 'order by item')) }} from (
        select term || '|' || category || '|' || legal_form || '|' || indicator_id || '|'
            || cast(weight as {{ dbt.type_string() }}) as item
        from {{ ref('lexicon') }}
        union all
        select 'exclusion|' || phrase || '|' || term from {{ ref('lexicon_exclusions') }}
    ) as items)
{%- endmacro %}

{# True when an incremental build of int_text_terms_matched must match every record again: the lexicon or
   its exclusions changed since its rows were matched, or that is not known. #}
{% macro lexicon_changed() -%}
    {{ return(kept_fingerprint_differs('lexicon', lexicon_fingerprint())) }}
{%- endmacro %}
