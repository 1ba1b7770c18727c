-- The dated facts the risk measures slide their window over, one row each: a lexicon term in a record
-- about the entity, its screened registration, a complaint or a post that counts for it (after
-- resolution and cluster expansion). int_entity_indicators_measured reads them; int_entity_inputs_fingerprinted
-- condenses them to tell which entities' earlier measures a late delivery changed.
with screened as (
    select s.uscc, s.reason_kind, s.matched, r.first_delivery_date as delivery_date
    from {{ ref('int_registrations_screened') }} as s
    inner join {{ ref('stg_registrations__companies') }} as r on s.uscc = r.uscc
),

complaints as (
    select m.entity_id, c.ticket_id, c.delivery_date, c.kind, coalesce(c.amount, 0) as amount,
        c.complainant_region, c.complainant_key, c.target_host
    from {{ ref('int_complaints_resolved') }} as c
    inner join {{ ref('int_record_entities_mapped') }} as m
        on m.record_type = 'complaint' and m.record_id = c.ticket_id
),

hits as (
    select m.entity_id, h.hit_id, h.delivery_date, h.platform, h.url_host, h.reads + h.shares as reach
    from {{ ref('int_keyword_hits_resolved') }} as h
    inner join {{ ref('int_record_entities_mapped') }} as m
        on m.record_type = 'post' and m.record_id = h.hit_id
)

select entity_id, 'term' as fact, record_type, record_id, delivery_date, indicator_id, term,
    weight, cast(null as {{ dbt.type_string() }}) as kind, cast(null as double) as amount, cast(null as {{ dbt.type_string() }}) as region,
    cast(null as {{ dbt.type_string() }}) as person, cast(null as {{ dbt.type_string() }}) as site, cast(null as double) as reach
from {{ ref('int_text_signals_matched') }}
where entity_id is not null
union all
select uscc, 'screened', 'registration', uscc, delivery_date,
    case when reason_kind = 'restricted_name' then 'F05' else 'H03' end, matched,
    null, null, null, null, null, null, null
from screened
union all
select entity_id, 'complaint', 'complaint', ticket_id, delivery_date, null, null, null, kind, amount,
    complainant_region, complainant_key, target_host, null
from complaints
union all
select entity_id, 'post', 'post', hit_id, delivery_date, null, null, null, null, null, null, null,
    coalesce(platform, '') || '|' || coalesce(url_host, ''), reach
from hits
