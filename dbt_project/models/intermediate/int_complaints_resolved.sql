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
        case
            when t.target_uscc is not null then t.target_uscc
            when n.resolution_method in ('name', 'name_core') then n.uscc
            when h.uscc is not null then h.uscc
            when n.uscc is not null then n.uscc
        end as uscc,
        case
            when t.target_uscc is not null then 'uscc'
            when n.resolution_method in ('name', 'name_core') then n.resolution_method
            when h.uscc is not null then h.resolution_method
            when n.uscc is not null then n.resolution_method
            when n.cluster_id is not null then n.resolution_method
            when h.cluster_id is not null then h.resolution_method
            when n.resolution_method = 'ambiguous' or h.resolution_method = 'ambiguous' then 'ambiguous'
            when n.name_only_id is not null then 'name_only'
            else 'unresolved'
        end as resolution_method,
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
    m.channel,
    m.delivery_date,
    m.uscc,
    case
        when m.uscc is not null then m.uscc
        when m.resolution_method = 'name_only' then m.name_only_id
    end as entity_id,
    case
        when m.uscc is not null then k.cluster_id
        when m.resolution_method = 'cluster' then m.candidate_cluster
    end as cluster_id,
    m.resolution_method
from matched as m
left join {{ ref('int_entities_clustered') }} as k on m.uscc = k.entity_id
