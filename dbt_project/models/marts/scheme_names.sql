-- 涉传名目: the names schemes go by — trade names (字号) and filed site or app names of entities that drew a
-- lead, and the names of unregistered platforms — with the night first seen (the first lead of an entity
-- carrying the name) and the records with lexicon terms behind them; a name needs at least
-- {{ var('scheme_name_min_signals') }} such records.
with flagged as (
    select entity_id, min(issued_date) as first_flagged_date from {{ ref('leads') }} group by entity_id
),

names as (
    select f.entity_id, f.first_flagged_date, a.alias as scheme_name,
        case a.alias_kind when 'trade_name' then '字号' else '网站或APP名称' end as name_kind
    from flagged as f
    inner join {{ ref('int_entity_aliases_built') }} as a
        on a.uscc = f.entity_id and a.alias_kind in ('trade_name', 'site_name')
    union all
    select f.entity_id, f.first_flagged_date, e.entity_name, '无登记平台或名称'
    from flagged as f
    inner join {{ ref('entities') }} as e on e.entity_id = f.entity_id and e.entity_kind <> 'registered'
),

signal_records as (
    select entity_id, count(distinct record_type || ':' || record_id) as n_records
    from {{ ref('int_text_signals_matched') }}
    where entity_id is not null and record_type in ('complaint', 'post')
    group by entity_id
)

select
    n.scheme_name,
    min(n.name_kind) as name_kind,
    min(n.first_flagged_date) as first_seen_date,
    count(distinct n.entity_id) as n_entities,
    cast(sum(coalesce(s.n_records, 0)) as bigint) as n_signal_records
from names as n
left join signal_records as s on n.entity_id = s.entity_id
group by n.scheme_name
having sum(coalesce(s.n_records, 0)) >= {{ var('scheme_name_min_signals') }}
