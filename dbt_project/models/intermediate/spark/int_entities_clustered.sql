-- Related-company clusters on Spark (dbt-spark runs no Python models outside Databricks): connected
-- components of the strong relations by minimum-label propagation, the same clusters as the DuckDB
-- build's networkx model (models/intermediate/duckdb). Each round gives every entity the smallest label
-- among itself and its neighbours, then the label of its label, until no label changes.
{% set nodes -%}
    select uscc as entity_id from {{ ref('stg_registrations__companies') }}
{%- endset %}
{% set edges -%}
    select entity_a, entity_b from {{ ref('int_entity_relations_joined') }} where strength = 'strong'
{%- endset %}
{% set labels = connected_components(nodes, edges) %}

select entity_id, 'C' || label as cluster_id, count(*) over (partition by label) as cluster_size
from {{ labels }}
