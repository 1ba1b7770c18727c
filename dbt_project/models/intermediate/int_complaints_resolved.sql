-- depends_on: {{ ref('region_names') }}
-- Each ticket resolved to an entity: by its USCC; else by the full or core name it gives; else by the site
-- it names through ICP filings; else by trade or site name (int_names_resolved); else it joins a
-- related-company cluster, or becomes a name-only entity, or stays unresolved when it fits several
-- unrelated entities. resolution_method records how.
with tickets as (
    select t.*, coalesce(t.target_host, {{ host_in_text('t.target_name') }}) as host,
        {{ address_region('t.target_address') }} as address_region
    from {{ ref('stg_complaints__tickets') }} as t
),

matched as (
    select
        t.*,
        n.core as target_core,
        coalesce(t.target_uscc, {{ resolved_uscc('n', 'h') }}) as uscc,
        case when t.target_uscc is not null then 'uscc' else {{ resolved_method('n', 'h') }} end
            as resolution_method,
        coalesce(n.cluster_id, h.cluster_id) as candidate_cluster,
        n.name_only_id
    from tickets as t
    left join {{ ref('int_names_resolved') }} as n
        on t.target_name_norm = n.name_norm and coalesce(t.address_region, '') = coalesce(n.address_region, '')
    left join {{ ref('int_hosts_resolved') }} as h on t.host = h.host
)

select
    m.ticket_id,
    m.received_at,
    m.received_date,
    m.kind,
    m.target_name,
    m.target_name_norm,
    m.target_core,
    m.host as target_host,
    m.description,
    m.amount,
    m.complainant_region,
    m.complainant_key,
    m.channel,
    m.delivery_date,
    m.uscc,
    {{ resolved_entity('m', 'k') }},
    m.resolution_method
from matched as m
left join {{ ref('int_entities_clustered') }} as k on m.uscc = k.entity_id
