-- Every host that complaints and posts point at (a URL, or a domain written as the name), resolved to the
-- sponsor of its ICP filing where exactly one registered entity filed it, else to their shared cluster.
with hosts as (
    select distinct target_host as host from {{ ref('stg_complaints__tickets') }}
    union
    select distinct {{ host_in_text('target_name') }} from {{ ref('stg_complaints__tickets') }}
    union
    select distinct url_host from {{ ref('stg_keyword_hits__posts') }}
    union
    select distinct {{ host_in_text('mentioned_name') }} from {{ ref('stg_keyword_hits__posts') }}
),

filings as (
    select f.domain, f.sponsor_uscc as uscc, k.cluster_id
    from {{ ref('stg_icp_filings__sites') }} as f
    left join {{ ref('int_entities_clustered') }} as k on f.sponsor_uscc = k.entity_id
    where f.sponsor_uscc is not null
),

decided as (
    select h.host, count(distinct f.uscc) as n_entities, min(f.uscc) as uscc,
        count(distinct f.cluster_id) as n_clusters, min(f.cluster_id) as cluster_id
    from hosts as h
    inner join filings as f on h.host = f.domain
    group by h.host
)

select
    host,
    case when n_entities = 1 then uscc end as uscc,
    case when n_entities = 1 or n_clusters = 1 then cluster_id end as cluster_id,
    case when n_entities = 1 then 'domain' when n_clusters = 1 then 'cluster' else 'ambiguous' end
        as resolution_method
from decided
where host is not null
