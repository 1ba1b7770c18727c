-- Each hit resolved to an entity: by the URL host through ICP filings, else the named entity
-- (unique normalised name), else a name-only entity for the named platform; else unresolved.
with hits as (
    select * from {{ ref('stg_keyword_hits__posts') }}
),

names as (
    select name_norm, min(uscc) as uscc, count(*) as n_entities
    from {{ ref('stg_registrations__companies') }}
    group by name_norm
),

sites as (
    select domain, min(sponsor_uscc) as uscc, count(distinct sponsor_uscc) as n_entities
    from {{ ref('stg_icp_filings__sites') }}
    where sponsor_uscc is not null
    group by domain
),

matched as (
    select
        h.*,
        case
            when s.n_entities = 1 then s.uscc
            when n.n_entities = 1 then n.uscc
        end as uscc,
        case
            when s.n_entities = 1 then 'domain'
            when n.n_entities = 1 then 'name'
            when n.n_entities > 1 or s.n_entities > 1 then 'ambiguous'
            when h.mentioned_name_norm is not null then 'name_only'
            else 'unresolved'
        end as resolution_method
    from hits as h
    left join sites as s on h.url_host = s.domain
    left join names as n on h.mentioned_name_norm = n.name_norm
)

select
    hit_id,
    captured_at,
    captured_date,
    platform,
    url,
    url_host,
    title,
    content,
    keyword,
    account,
    mentioned_name,
    server_ip,
    reads,
    shares,
    delivery_date,
    uscc,
    case
        when uscc is not null then uscc
        when resolution_method = 'name_only' then {{ name_entity_id('mentioned_name_norm') }}
    end as entity_id,
    resolution_method
from matched
