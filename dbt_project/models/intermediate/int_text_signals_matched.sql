-- Lexicon terms found in complaint texts, post titles and contents and business scopes. A term inside an
-- exclusion phrase (a negation or an innocent use) found in the same text does not count. One row per
-- record, term and entity the record counts for (int_record_entities_mapped; a registration counts for
-- itself); a record that counts for no entity keeps one row with no entity, for the category counts.
with bodies as (
    select 'complaint' as record_type, ticket_id as record_id, description as body
    from {{ ref('stg_complaints__tickets') }}
    union all
    select 'post', hit_id, coalesce(title, '') || ' ' || content
    from {{ ref('stg_keyword_hits__posts') }}
    union all
    select 'registration', uscc, business_scope
    from {{ ref('stg_registrations__companies') }}
    where business_scope is not null
),

matches as (
    select b.record_type, b.record_id, b.body, l.term, l.category, l.legal_form, l.indicator_id, l.weight
    from bodies as b
    inner join {{ ref('lexicon') }} as l
        on {{ dbt.position('l.term', 'b.body') }} > 0
),

kept as (
    select m.record_type, m.record_id, m.term, m.category, m.legal_form, m.indicator_id, m.weight
    from matches as m
    where not exists (
        select 1
        from {{ ref('lexicon_exclusions') }} as x
        where {{ dbt.position('x.phrase', 'm.body') }} > 0
            and (x.term = '*' or x.term = m.term)
    )
),

registrations as (
    select uscc, first_delivery_date from {{ ref('stg_registrations__companies') }}
)

select
    k.record_type,
    k.record_id,
    coalesce(m.entity_id, r.uscc) as entity_id,
    coalesce(m.via, case when r.uscc is not null then 'direct' end) as via,
    coalesce(m.delivery_date, r.first_delivery_date) as delivery_date,
    k.term,
    k.category,
    k.legal_form,
    k.indicator_id,
    k.weight
from kept as k
left join {{ ref('int_record_entities_mapped') }} as m
    on k.record_type = m.record_type and k.record_id = m.record_id
left join registrations as r
    on k.record_type = 'registration' and k.record_id = r.uscc
