{# Leave out the raw batches a blocking quality gate held back (until their date is re-delivered and re-run). #}
{% macro not_held(source_name, alias) -%}
    not exists (
        select 1 from {{ source('raw', 'held_batches') }} as held
        where held.source = '{{ source_name }}' and held.delivery_date = {{ alias }}._delivery_date
    )
{%- endmacro %}
