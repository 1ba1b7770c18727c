-- The entities each complaint and post counts for: the entity it resolved to, or, when it names a
-- related-company cluster without telling which member, every member of that cluster.
with records as (
    select 'complaint' as record_type, ticket_id as record_id, entity_id, cluster_id, resolution_method,
        delivery_date
    from {{ ref('int_complaints_resolved') }}
    union all
    select 'post', hit_id, entity_id, cluster_id, resolution_method, delivery_date
    from {{ ref('int_keyword_hits_resolved') }}
)

select record_type, record_id, entity_id, 'direct' as via, delivery_date
from records
where entity_id is not null
union all
select r.record_type, r.record_id, k.entity_id, 'cluster', r.delivery_date
from records as r
inner join {{ ref('int_entities_clustered') }} as k on r.cluster_id = k.cluster_id
where r.entity_id is null and r.resolution_method = 'cluster'
