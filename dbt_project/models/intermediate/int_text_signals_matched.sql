-- Lexicon terms found in complaint texts, post titles and contents (int_text_terms_matched) and business
-- scopes (lexicon_terms): one row per record, term and entity the record counts for
-- (int_record_entities_mapped; a registration counts for itself); a record that counts for no entity keeps
-- one row with no entity, for the category counts.
-- Business scopes are matched once per distinct text: registrations repeat a few standard wordings.
with scope_terms as (
    {{ lexicon_terms("(select distinct 'scope' as record_type, business_scope as record_id, business_scope as body from "
        ~ ref('stg_registrations__companies') ~ " where business_scope is not null)") }}
),

kept as (
    select record_type, record_id, term, category, legal_form, indicator_id, weight
    from {{ ref('int_text_terms_matched') }}
    union all
    select 'registration', g.uscc, s.term, s.category, s.legal_form, s.indicator_id, s.weight
    from scope_terms as s
    inner join {{ ref('stg_registrations__companies') }} as g on g.business_scope = s.record_id
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
