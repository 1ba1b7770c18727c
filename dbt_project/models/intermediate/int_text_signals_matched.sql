-- Lexicon terms found in complaint texts, post titles and contents and business scopes.
-- A term inside an exclusion phrase (negation, innocent use) found in the same text does not count.
with texts as (
    select 'complaint' as record_type, ticket_id as record_id, entity_id, delivery_date,
        description as body
    from {{ ref('int_complaints_resolved') }}
    union all
    select 'post', hit_id, entity_id, delivery_date,
        coalesce(title, '') || ' ' || content
    from {{ ref('int_keyword_hits_resolved') }}
    union all
    select 'registration', uscc, uscc, first_delivery_date, business_scope
    from {{ ref('stg_registrations__companies') }}
    where business_scope is not null
),

matches as (
    select t.record_type, t.record_id, t.entity_id, t.delivery_date, t.body,
        l.term, l.category, l.legal_form, l.indicator, l.weight
    from texts as t
    inner join {{ ref('lexicon') }} as l
        on {{ dbt.position('l.term', 't.body') }} > 0
)

select
    m.record_type,
    m.record_id,
    m.entity_id,
    m.delivery_date,
    m.term,
    m.category,
    m.legal_form,
    m.indicator,
    m.weight
from matches as m
where not exists (
    select 1
    from {{ ref('lexicon_exclusions') }} as x
    where {{ dbt.position('x.phrase', 'm.body') }} > 0
        and (x.term = '*' or x.term = m.term)
)
