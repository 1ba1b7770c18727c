-- depends_on: {{ ref('int_entity_changes_detected') }}
-- The as-of dates (loaded nights) on which an entity's snapshot may differ from the night before, and the
-- next such date (valid_to). Between them every measure is the same: a snapshot reads the facts delivered in
-- the last {{ window_days() }} days (a fact enters on its delivery date and leaves {{ window_days() }} days
-- later), complaints of the last 7 days (C02: a complaint leaves them 7 days later), and a blacklisted
-- organiser or disposed member from its date on (H03); each such date falls on the first night loaded on or
-- after it. Only entities a term or a screened registration can anchor (no other entity has a snapshot).
-- On DuckDB, when the models that read it are built incrementally: the dates in this build's rebuild scope only
-- (int_entity_changes_detected; the next date of a kept snapshot is then set by suspect_entity_versions'
-- post-hook). Otherwise (a full refresh, a reader's table missing, Spark): every date.
{% set window = var('signal_window_days') | int %}
{% set scoped = execute and target.type != 'spark' and not flags.FULL_REFRESH
    and snapshot_readers_exist() %}
with nights as (
    select as_of_date, lag(as_of_date) over (order by as_of_date) as previous_night
    from (select distinct delivery_date as as_of_date from {{ source('raw', 'load_audit') }}) as d
),

anchored as (
    select distinct entity_id from {{ ref('int_entity_facts_unioned') }} where fact in ('term', 'screened')
),

facts as (
    select distinct f.entity_id, f.delivery_date, f.fact
    from {{ ref('int_entity_facts_unioned') }} as f
    where f.entity_id in (select entity_id from anchored)
    {% if scoped %}
        -- what can fall on a night in scope: a fact leaving the window after the last night before it
        and ({{ dbt.dateadd('day', window, 'f.delivery_date') }} > (
                select coalesce(max(n.as_of_date), cast('1900-01-01' as date)) from nights as n
                where n.as_of_date < {{ rebuild_from() }})
            or f.entity_id in (select entity_id from {{ ref('int_entity_changes_detected') }} where entity_id <> '*'))
    {% endif %}
),

events as (
    select entity_id, delivery_date as event_date from facts
    union
    select entity_id, {{ dbt.dateadd('day', 7, 'delivery_date') }} from facts where fact = 'complaint'
    union
    select entity_id, {{ dbt.dateadd('day', window, 'delivery_date') }} from facts
    union
    select entity_id, blacklisted_date from {{ ref('int_entity_attributes_joined') }}
    where blacklisted_date is not null and entity_id in (select entity_id from anchored)
    union
    select entity_id, disposed_date from {{ ref('int_entity_attributes_joined') }}
    where disposed_date is not null and entity_id in (select entity_id from anchored)
),

dated as (
    select distinct e.entity_id, n.as_of_date
    from events as e
    inner join nights as n
        on e.event_date <= n.as_of_date
        and (n.previous_night is null or e.event_date > n.previous_night)
)

select entity_id, as_of_date, lead(as_of_date) over (partition by entity_id order by as_of_date) as valid_to
from dated
{% if scoped %}
where {{ in_rebuild_scope('as_of_date', 'entity_id') }}
{% endif %}
