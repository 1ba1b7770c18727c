-- Each ticket resolved to an entity: by USCC, else unique normalised name, else domain through
-- ICP filings, else a name-only entity. A name shared by several registrations is left unresolved.
with tickets as (
    select * from {{ ref('stg_complaints__tickets') }}
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
        t.*,
        case
            when t.target_uscc is not null then t.target_uscc
            when n.n_entities = 1 then n.uscc
            when s.n_entities = 1 then s.uscc
        end as uscc,
        case
            when t.target_uscc is not null then 'uscc'
            when n.n_entities = 1 then 'name'
            when s.n_entities = 1 then 'domain'
            when n.n_entities > 1 or s.n_entities > 1 then 'ambiguous'
            else 'name_only'
        end as resolution_method
    from tickets as t
    left join names as n on t.target_name_norm = n.name_norm
    left join sites as s on t.target_host = s.domain
)

select
    ticket_id,
    received_at,
    received_date,
    kind,
    target_name,
    target_name_norm,
    target_host,
    description,
    amount,
    complainant_region,
    channel,
    delivery_date,
    uscc,
    case
        when uscc is not null then uscc
        when resolution_method = 'name_only' then {{ name_entity_id('target_name_norm') }}
    end as entity_id,
    resolution_method
from matched
