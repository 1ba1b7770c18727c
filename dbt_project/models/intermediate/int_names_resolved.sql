-- depends_on: {{ ref('region_names') }}, {{ ref('org_forms') }}
-- Every distinct name that complaints and posts use, resolved to one registered entity where exactly one
-- fits: by full normalised name, else by core name, else by trade name, else by filed site name; a region
-- written in the name must agree with the entity's registered region, and a two-character trade name
-- resolves only with a region. Where several fit and they all
-- belong to one related-company cluster, the name attaches to that cluster; otherwise, when exactly one of
-- them is in the complainant's city, it resolves to that one, else it stays unresolved.
-- A name that fits none is a name-only entity, keyed by its core so that its variants accumulate.
-- Where the name carries no region, the region the complaint gives for the respondent's address stands in.
-- A bare two-character trade name with neither may still resolve to the one entity of that trade name in
-- the complainant's own city (complainant_city: the first four digits of their region code), as consumers
-- mostly complain about businesses near them.
with names as (
    select distinct target_name_norm as name_norm, {{ address_region('target_address') }} as address_region,
        substr(complainant_region, 1, 4) as complainant_city
    from {{ ref('stg_complaints__tickets') }}
    where target_name_norm is not null
    union
    select distinct mentioned_name_norm, cast(null as {{ dbt.type_string() }}), cast(null as {{ dbt.type_string() }})
    from {{ ref('stg_keyword_hits__posts') }}
    where mentioned_name_norm is not null
),

parsed as (
    select
        n.name_norm,
        n.address_region,
        n.complainant_city,
        {{ cached_name_part('c', 'n.name_norm', 'core') }} as core,
        coalesce(r.code_prefix, a.code_prefix) as region_prefix
    from names as n
    left join {{ ref('int_names_parsed') }} as c on n.name_norm = c.name_norm
    left join {{ ref('region_names') }} as r on {{ cached_name_part('c', 'n.name_norm', 'region') }} = r.region_name
    left join {{ ref('region_names') }} as a on n.address_region = a.region_name
),

candidates as (
    select p.name_norm, p.address_region, p.complainant_city, a.uscc, a.region_code, a.alias_kind
    from parsed as p
    inner join {{ ref('int_entity_aliases_built') }} as a on a.alias_kind = 'name' and a.alias = p.name_norm
    union all
    select p.name_norm, p.address_region, p.complainant_city, a.uscc, a.region_code, a.alias_kind
    from parsed as p
    inner join {{ ref('int_entity_aliases_built') }} as a on a.alias_kind <> 'name' and a.alias = p.core
    where (p.region_prefix is null or a.region_code is null
            or substr(a.region_code, 1, length(p.region_prefix)) = p.region_prefix)
        -- a bare two-character trade name recurs across the country: it needs a region that agrees
        and (a.alias_kind <> 'trade_name' or p.region_prefix is not null or length(p.core) >= 3
            or substr(a.region_code, 1, 4) = p.complainant_city)
),

ranked as (
    select c.*, k.cluster_id,
        case c.alias_kind when 'name' then 1 when 'name_core' then 2 when 'trade_name' then 3 else 4 end as priority
    from candidates as c
    left join {{ ref('int_entities_clustered') }} as k on c.uscc = k.entity_id
),

best as (
    select r.*
    from ranked as r
    where r.priority = (
        select min(b.priority) from ranked as b
        where b.name_norm = r.name_norm and coalesce(b.address_region, '') = coalesce(r.address_region, '')
            and coalesce(b.complainant_city, '') = coalesce(r.complainant_city, '')
    )
),

decided as (
    select name_norm, address_region, complainant_city, min(alias_kind) as alias_kind,
        count(distinct uscc) as n_entities, min(uscc) as uscc,
        count(distinct case when substr(region_code, 1, 4) = complainant_city then uscc end) as n_local,
        min(case when substr(region_code, 1, 4) = complainant_city then uscc end) as local_uscc,
        count(distinct cluster_id) as n_clusters, min(cluster_id) as cluster_id
    from best
    group by name_norm, address_region, complainant_city
)

select
    p.name_norm,
    p.address_region,
    p.complainant_city,
    p.core,
    case when d.n_entities = 1 then d.uscc when d.n_clusters > 1 and d.n_local = 1 then d.local_uscc end as uscc,
    case when d.n_entities = 1 or d.n_clusters = 1 then d.cluster_id end as cluster_id,
    case
        when d.n_entities = 1 then d.alias_kind
        when d.n_clusters = 1 then 'cluster'
        when d.n_local = 1 then d.alias_kind
        when d.n_entities > 1 then 'ambiguous'
        else 'name_only'
    end as resolution_method,
    case when d.name_norm is null and length(p.core) >= 2 then {{ name_entity_id('p.core') }} end as name_only_id
from parsed as p
left join decided as d
    on p.name_norm = d.name_norm and coalesce(p.address_region, '') = coalesce(d.address_region, '')
    and coalesce(p.complainant_city, '') = coalesce(d.complainant_city, '')
