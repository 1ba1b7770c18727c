-- Every entity the warehouse knows (published as the mart entities): registered companies, USCCs named in
-- complaints, posts or website filings without a registration here (a filing's sponsor joins clusters
-- through its server and domain, so a cluster's scores can reach it), and name-only "platforms" that
-- complaints and posts keep naming.
with registered as (
    select uscc as entity_id, uscc, company_name as entity_name, region_code, 'registered' as entity_kind,
        established_date, legal_rep, entity_type, status, first_delivery_date as first_seen_date
    from {{ ref('stg_registrations__companies') }}
),

referenced as (
    select entity_id, uscc, target_name as entity_name, complainant_region as region_code, delivery_date
    from {{ ref('int_complaints_resolved') }}
    where entity_id is not null
    union all
    select entity_id, uscc, coalesce(mentioned_name, url_host), null, delivery_date
    from {{ ref('int_keyword_hits_resolved') }}
    where entity_id is not null
    union all
    select sponsor_uscc, sponsor_uscc, sponsor_name, null, delivery_date
    from {{ ref('stg_icp_filings__sites') }}
    where sponsor_uscc is not null
),

unregistered as (
    select entity_id, min(uscc) as uscc, min(entity_name) as entity_name,
        min(region_code) as region_code,
        case when min(uscc) is null then 'name_only' else 'uscc_only' end as entity_kind,
        min(delivery_date) as first_seen_date
    from referenced as r
    where not exists (select 1 from registered as g where g.entity_id = r.entity_id)
    group by entity_id
)

select g.entity_id, g.uscc, g.entity_name, g.region_code, g.entity_kind, g.established_date, g.legal_rep,
    g.entity_type, g.status, g.first_seen_date, cast(k.cluster_id as {{ dbt.type_string() }}) as cluster_id,
    cast(k.cluster_size as integer) as cluster_size
from registered as g
left join {{ ref('int_entities_clustered') }} as k on g.entity_id = k.entity_id
union all
select u.entity_id, u.uscc, u.entity_name, u.region_code, u.entity_kind, null, null, null, null,
    u.first_seen_date, cast(k.cluster_id as {{ dbt.type_string() }}), cast(k.cluster_size as integer)
from unregistered as u
left join {{ ref('int_entities_clustered') }} as k on u.entity_id = k.entity_id
