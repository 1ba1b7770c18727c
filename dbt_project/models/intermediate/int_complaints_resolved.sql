-- depends_on: {{ ref('region_names') }}
-- Each ticket resolved to an entity: by its USCC; else by the full or core name it gives; else by the site
-- it names through ICP filings; else by trade or site name (int_names_resolved); else it joins a
-- related-company cluster, or becomes a name-only entity, or stays unresolved when it fits several
-- unrelated entities. resolution_method records how. Only what resolution, the risk measures and the mart
-- complaints read (the text is matched from staging).
with tickets as (
    select t.*, {{ host_in_text('t.target_name') }} as name_host,
        {{ address_region('t.target_address') }} as address_region,
        substr(t.complainant_region, 1, 4) as complainant_city
    from {{ ref('stg_complaints__tickets') }} as t
),

matched as (
    select
        t.*,
        coalesce(t.target_uscc, {{ resolved_uscc('n', 'h') }}) as uscc,
        case when t.target_uscc is not null then 'uscc' else {{ resolved_method('n', 'h') }} end
            as resolution_method,
        coalesce(n.cluster_id, h.cluster_id) as candidate_cluster,
        h.host as h_host,
        n.name_only_id
    from tickets as t
    left join {{ ref('int_names_resolved') }} as n
        on t.target_name_norm = n.name_norm and coalesce(t.address_region, '') = coalesce(n.address_region, '')
        and coalesce(t.complainant_city, '') = coalesce(n.complainant_city, '')
    -- a domain written as the name is explicit: it goes before the URL's host when it was filed
    left join {{ ref('int_hosts_resolved') }} as nh on t.name_host = nh.host
    left join {{ ref('int_hosts_resolved') }} as h on h.host = coalesce(nh.host, t.target_host, t.name_host)
)

select
    m.ticket_id,
    m.received_date,
    m.kind,
    m.target_name,
    coalesce(m.h_host, m.target_host, m.name_host) as target_host,
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
