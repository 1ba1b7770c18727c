-- What the incremental int_entity_indicators_measured, entity_indicator_scores and suspect_entities must
-- recompute this build: every as-of date from the earliest delivery date loaded since the last complete build
-- (entity '*', rebuild_from), and every as-of date of the entities whose earlier facts, registration facts or
-- description changed (a late registration or filing re-resolving old complaints, a cluster that grew, a
-- renamed company, a re-delivered day); everything when a setting or seed changed.
-- The fingerprints and load sequence of the last complete build are kept by the on-run-end hook
-- save_change_state; without them (a new warehouse) everything is recomputed. build_id names the build that
-- computed this scope: publication applies it only when that build also saved the state.
-- depends_on: {{ source('raw', 'load_log') }}
{% set state = change_state_relation() %}
with previous as (
{% if state is not none %}
    select entity_id, delivery_date, fingerprint from {{ state }}
{% else %}
    select entity_id, delivery_date, fingerprint from {{ ref('int_entity_inputs_fingerprinted') }} where 1 = 0
{% endif %}
),

rebuild as (
    select {{ loaded_since() }} as rebuild_from
),

current_ as (
    select entity_id, delivery_date, fingerprint from {{ ref('int_entity_inputs_fingerprinted') }}
),

changed as (
    select coalesce(c.entity_id, p.entity_id) as entity_id, coalesce(c.delivery_date, p.delivery_date) as delivery_date
    from current_ as c
    full outer join previous as p
        on c.entity_id = p.entity_id and coalesce(c.delivery_date, cast('0001-01-01' as date))
            = coalesce(p.delivery_date, cast('0001-01-01' as date))
    where c.fingerprint is null or p.fingerprint is null or c.fingerprint <> p.fingerprint
)

select '*' as entity_id,
    case when exists (select 1 from changed where entity_id = '*') then cast('1900-01-01' as date)
        else (select rebuild_from from rebuild) end as rebuild_from,
    '{{ invocation_id }}' as build_id
union all
select distinct ch.entity_id, cast(null as date), '{{ invocation_id }}'
from changed as ch
cross join rebuild as r
where ch.entity_id <> '*' and (ch.delivery_date is null or ch.delivery_date < r.rebuild_from)
