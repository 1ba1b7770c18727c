{#- How a complaint or post resolves from its name match (n: int_names_resolved) and host match
    (h: int_hosts_resolved): an explicit full or core name first, then the filed site, then a trade or site
    name, then a cluster all candidates share; else ambiguous, a name-only entity, or unresolved. -#}

{% macro resolved_uscc(n, h) -%}
    case when {{ n }}.resolution_method in ('name', 'name_core') then {{ n }}.uscc else coalesce({{ h }}.uscc, {{ n }}.uscc) end
{%- endmacro %}

{% macro resolved_method(n, h) -%}
    case
        when {{ n }}.resolution_method in ('name', 'name_core') then {{ n }}.resolution_method
        when {{ h }}.uscc is not null then {{ h }}.resolution_method
        when {{ n }}.uscc is not null then {{ n }}.resolution_method
        when {{ n }}.cluster_id is not null then {{ n }}.resolution_method
        when {{ h }}.cluster_id is not null then {{ h }}.resolution_method
        when {{ n }}.resolution_method = 'ambiguous' or {{ h }}.resolution_method = 'ambiguous' then 'ambiguous'
        when {{ n }}.name_only_id is not null then 'name_only'
        else 'unresolved'
    end
{%- endmacro %}

{# The entity and cluster of a matched record (m), given the clusters of registered entities (k). #}
{% macro resolved_entity(m, k) -%}
    case
        when {{ m }}.uscc is not null then {{ m }}.uscc
        when {{ m }}.resolution_method = 'name_only' then {{ m }}.name_only_id
    end as entity_id,
    case
        when {{ m }}.uscc is not null then {{ k }}.cluster_id
        when {{ m }}.resolution_method = 'cluster' then {{ m }}.candidate_cluster
    end as cluster_id
{%- endmacro %}
