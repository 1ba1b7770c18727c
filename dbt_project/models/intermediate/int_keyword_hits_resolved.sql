-- Each hit resolved to an entity: by the full or core name of the entity it names, which is explicit;
-- else by a filed domain it names, or the URL's host, through ICP filings (a shell's site often carries its sister companies' posts);
-- else by trade or site name (int_names_resolved); else a related-company cluster, a name-only entity,
-- or unresolved. Only what resolution and the risk measures read: the mart keyword_hits takes the text of the
-- records it writes from staging (copying every post's text again each night cost half this model's time).
with hits as (
    select p.*, {{ host_in_text('p.mentioned_name') }} as mentioned_host
    from {{ ref('stg_keyword_hits__posts') }} as p
),

matched as (
    select
        p.*,
        {{ resolved_uscc('n', 'h') }} as uscc,
        {{ resolved_method('n', 'h') }} as resolution_method,
        coalesce(n.cluster_id, h.cluster_id) as candidate_cluster,
        n.name_only_id
    from hits as p
    -- a domain the post names is explicit: it goes before the URL's host when it was filed
    left join {{ ref('int_hosts_resolved') }} as mh on p.mentioned_host = mh.host
    left join {{ ref('int_hosts_resolved') }} as h on h.host = coalesce(mh.host, p.url_host)
    left join {{ ref('int_names_resolved') }} as n
        on p.mentioned_name_norm = n.name_norm and n.address_region is null and n.complainant_city is null
)

select
    m.hit_id,
    m.captured_date,
    m.platform,
    m.url_host,
    m.mentioned_name,
    m.reads,
    m.shares,
    m.delivery_date,
    m.uscc,
    {{ resolved_entity('m', 'k') }},
    m.resolution_method
from matched as m
left join {{ ref('int_entities_clustered') }} as k on m.uscc = k.entity_id
