-- Related-company clusters (connected components of entity_relations) with more than one member.
with members as (
    select e.cluster_id, e.cluster_size, e.entity_id, e.entity_name, e.region_code
    from {{ ref('entities') }} as e
    where e.cluster_size > 1
)

select
    cluster_id,
    max(cluster_size) as cluster_size,
    count(distinct substr(region_code, 1, 2)) as n_provinces,
    {{ dbt.listagg('entity_name', "'、'", 'order by entity_name') }} as member_names
from members
group by cluster_id
