-- depends_on: {{ ref('int_entity_changes_detected') }}
-- The measured value of each second-level indicator (seed risk_indicators) per entity and as-of date on which
-- its snapshot may change (int_entity_snapshots_dated: it holds until the next), over the facts delivered in
-- the last {{ window_days() }} days, with a Chinese detail and up to three records behind it. An entity has rows
-- on an as-of date when a lexicon term about it, or its screened registration, falls in the window; indicators
-- measuring zero are left out.
-- Incremental: a build recomputes only what int_entity_changes_detected says changed, so a night's cost
-- follows that night's deliveries rather than the warehouse's history.
{{ config(
    pre_hook="{{ delete_rebuild_scope('as_of_date', 'entity_id') }}",
    meta={'tested_in': 'rebuild_scope'},
    **incremental_config('as_of_date'),
) }}
{{ require_all_snapshot_dates() }}
{% set window = var('signal_window_days') | int %}
with dated as (
    select entity_id, as_of_date from {{ ref('int_entity_snapshots_dated') }}
),

attributes as (
    select * from {{ ref('int_entity_attributes_joined') }}
),

-- the facts of entities with dates to measure (those a term or a screened registration can anchor: no other
-- entity has rows), before they are spread over the as-of dates whose window they fall in
facts as (
    select * from {{ ref('int_entity_facts_unioned') }} as f
    where f.entity_id in (select entity_id from dated)
    {% if is_incremental() %}
        -- only what the as-of dates to recompute can see
        and {{ in_fact_scope(dbt.dateadd('day', window, 'f.delivery_date'), 'f.entity_id') }}
    {% endif %}
),

windowed as (
    select n.as_of_date, f.*,
        case when f.delivery_date > {{ dbt.dateadd('day', -7, 'n.as_of_date') }} then 1 else 0 end as last_week
    from facts as f
    inner join dated as n
        on f.entity_id = n.entity_id
        and f.delivery_date <= n.as_of_date
        and f.delivery_date > {{ dbt.dateadd('day', -window, 'n.as_of_date') }}
    {% if is_incremental() %}
    where {{ in_measure_scope('n.as_of_date', 'f.entity_id') }}
    {% endif %}
),

anchors as (
    select distinct as_of_date, entity_id
    from windowed
    where fact in ('term', 'screened')
),

scoped as (
    select w.*
    from windowed as w
    inner join anchors as a on w.as_of_date = a.as_of_date and w.entity_id = a.entity_id
),

-- each term counts once per entity, night and indicator, with its weight
terms as (
    select as_of_date, entity_id, indicator_id, term, max(weight) as weight
    from scoped
    where fact = 'term'
    group by as_of_date, entity_id, indicator_id, term
),

term_values as (
    select as_of_date, entity_id, indicator_id, cast(sum(weight) as double) as measured_value,
        {{ dbt.listagg("case when term_rank <= 6 then '“' || term || '”' end", "''", "order by term_rank") }}
            || case when count(*) > 6 then '等' || cast(count(*) as {{ dbt.type_string() }}) || '个用语' else '' end as detail
    from (
        select t.*, row_number() over (
            partition by as_of_date, entity_id, indicator_id order by weight desc, term) as term_rank
        from terms as t
    ) as ranked
    group by as_of_date, entity_id, indicator_id
),

complaint_counts as (
    select as_of_date, entity_id,
        count(*) as n_complaints,
        sum(last_week) as n_last_week,
        sum(case when kind = '举报' then 1 else 0 end) as n_reports,
        count(distinct region) as n_regions,
        count(distinct person) as n_people,
        sum(amount) as amount
    from scoped
    where fact = 'complaint'
    group by as_of_date, entity_id
),

citing as (
    select as_of_date, entity_id, count(distinct record_id) as n_citing
    from scoped
    where fact = 'term' and record_type = 'complaint'
    group by as_of_date, entity_id
),

post_counts as (
    select as_of_date, entity_id, count(*) as n_hits, sum(reach) as reach
    from scoped
    where fact = 'post'
    group by as_of_date, entity_id
),

sites as (
    select as_of_date, entity_id, count(distinct site) as n_sites
    from (
        select as_of_date, entity_id, {{ dbt.split_part('site', "'|'", 1) }} as site
        from scoped where fact = 'post'
        union all
        select as_of_date, entity_id, {{ dbt.split_part('site', "'|'", 2) }}
        from scoped where fact = 'post'
        union all
        select as_of_date, entity_id, site
        from scoped where fact = 'complaint'
    ) as s
    where site is not null and site <> ''
    group by as_of_date, entity_id
),

-- the night each anchored entity was first seen in any fact (D03: newly registered at its first signal)
first_seen as (
    select entity_id, min(delivery_date) as first_seen
    from {{ ref('int_entity_facts_unioned') }}
    where entity_id in (select entity_id from anchors)
    group by entity_id
),

entity_facts as (
    select a.as_of_date, a.entity_id, g.entity_id as uscc, g.established_date, s.first_seen, g.reg_capital, g.cluster_id,
        g.cluster_size,
        -- from the night each became known: a blacklisted member's registration, a disposition's date
        case when g.blacklisted_date <= a.as_of_date or g.disposed_date <= a.as_of_date then 1 else 0 end
            as blacklisted,
        case when g.blacklisted_date <= a.as_of_date then g.blacklisted_member else g.disposed_member end
            as member_uscc,
        case when g.blacklisted_date <= a.as_of_date then '法定代表人列入组织者黑名单'
            else g.disposed_action || '（' || cast(g.disposed_date as {{ dbt.type_string() }}) || '）' end as member_reason
    from anchors as a
    left join attributes as g on a.entity_id = g.entity_id
    left join first_seen as s on a.entity_id = s.entity_id
),

measured as (
    select as_of_date, entity_id, indicator_id, measured_value, detail
    from term_values
    union all
    select as_of_date, entity_id, 'F05', 1.0, '“' || min(term) || '”'
    from scoped where fact = 'screened' and indicator_id = 'F05'
    group by as_of_date, entity_id
    union all
    select as_of_date, entity_id, 'S01', n_hits, cast(n_hits as {{ dbt.type_string() }}) || '条'
    from post_counts
    union all
    select as_of_date, entity_id, 'S02', n_sites, cast(n_sites as {{ dbt.type_string() }}) || '个'
    from sites
    union all
    select as_of_date, entity_id, 'S03', ln(1 + reach) / ln(10), '阅读转发' || cast(cast(reach as bigint) as {{ dbt.type_string() }}) || '次'
    from post_counts where reach > 0
    union all
    select as_of_date, entity_id, 'S04', n_regions, cast(n_regions as {{ dbt.type_string() }}) || '个区划'
    from complaint_counts where n_regions > 0
    union all
    select as_of_date, entity_id, 'C01', n_complaints, cast(n_complaints as {{ dbt.type_string() }}) || '件'
    from complaint_counts
    union all
    select as_of_date, entity_id, 'C02', n_last_week - (n_complaints - n_last_week) * 7.0 / ({{ window }} - 7),
        '近7日' || cast(n_last_week as {{ dbt.type_string() }}) || '件，此前' || cast(n_complaints - n_last_week as {{ dbt.type_string() }}) || '件'
    from complaint_counts where n_last_week > 0
    union all
    select as_of_date, entity_id, 'C03', n_reports * 1.0 / n_complaints,
        '举报' || cast(n_reports as {{ dbt.type_string() }}) || '件，占' || cast(cast(round(100.0 * n_reports / n_complaints, 0) as integer) as {{ dbt.type_string() }}) || '%'
    from complaint_counts where n_reports > 0
    union all
    select as_of_date, entity_id, 'C04', n_citing, cast(n_citing as {{ dbt.type_string() }}) || '件'
    from citing
    union all
    -- a signal before the registration (a name complained about before it was registered) counts as day 0
    select as_of_date, entity_id, 'D03', greatest(0, {{ dbt.datediff('established_date', 'first_seen', 'day') }}),
        '成立于' || cast(established_date as {{ dbt.type_string() }}) || '，首次出现信号于' || cast(first_seen as {{ dbt.type_string() }})
    from entity_facts where established_date is not null
    union all
    select f.as_of_date, f.entity_id, 'D04', coalesce(f.reg_capital, 0),
        case when f.uscc is null then '未见登记' else '注册资本' || cast(f.reg_capital as {{ dbt.type_string() }}) || '万元' end
            || '，却宣称高额收益或政府、公益项目'
    from entity_facts as f
    where (f.uscc is null or f.reg_capital is not null) and exists (
        select 1 from term_values as t
        where t.as_of_date = f.as_of_date and t.entity_id = f.entity_id and t.indicator_id in ('D01', 'D02'))
    union all
    select as_of_date, entity_id, 'H01', ln(1 + amount) / ln(10), '合计' || cast(round(amount / 10000, 2) as {{ dbt.type_string() }}) || '万元'
    from complaint_counts where amount > 0
    union all
    select as_of_date, entity_id, 'H02', n_people, cast(n_people as {{ dbt.type_string() }}) || '人'
    from complaint_counts where n_people > 0
    union all
    select as_of_date, entity_id, 'H03', 1.0, '关联企业' || member_uscc || member_reason
    from entity_facts where blacklisted = 1
    union all
    select as_of_date, entity_id, 'H04', cluster_size, cast(cluster_size as {{ dbt.type_string() }}) || '家企业（' || cluster_id || '）'
    from entity_facts where cluster_size > 1
),

-- the records behind each indicator: the terms' records, the screened registration, the window's
-- complaints or posts, the entity's own registration; newest first. Registrations behind an indicator of the
-- entity's facts (D03, D04, H03, H04) rank as the newest on every night (9999-12-31), not by the as-of date,
-- so that the evidence is the same on every night a version holds.
behind as (
    -- a record with several terms, or both screened and blacklisted, counts once
    select as_of_date, entity_id, indicator_id, record_type, record_id, max(delivery_date) as delivery_date
    from (
        select as_of_date, entity_id, indicator_id, record_type, record_id, delivery_date
        from scoped where fact in ('term', 'screened')
        union all
        select as_of_date, entity_id, 'C04', 'complaint', record_id, delivery_date
        from scoped where fact = 'term' and record_type = 'complaint'
        union all
        select as_of_date, entity_id, 'H03', 'registration', member_uscc, cast('9999-12-31' as date)
        from entity_facts where blacklisted = 1
    ) as repeated
    group by as_of_date, entity_id, indicator_id, record_type, record_id
    union all
    select s.as_of_date, s.entity_id, i.indicator_id, s.record_type, s.record_id, s.delivery_date
    from scoped as s
    inner join (
        select 'complaint' as fact, 'S02' as indicator_id union all select 'post', 'S02'
        union all select 'post', 'S01' union all select 'post', 'S03' union all select 'complaint', 'S04'
        union all select 'complaint', 'C01' union all select 'complaint', 'C02' union all select 'complaint', 'C03'
        union all select 'complaint', 'H01' union all select 'complaint', 'H02'
    ) as i on s.fact = i.fact
    where (i.indicator_id <> 'C02' or s.last_week = 1)
        and (i.indicator_id <> 'C03' or s.kind = '举报')
        and (i.indicator_id <> 'H01' or s.amount > 0)
        and (i.indicator_id <> 'S03' or s.reach > 0)
    union all
    select f.as_of_date, f.entity_id, i.indicator_id, 'registration', f.uscc, cast('9999-12-31' as date)
    from entity_facts as f
    cross join (select 'D03' as indicator_id union all select 'D04') as i
    where f.uscc is not null
    union all
    select f.as_of_date, f.entity_id, 'H04', 'registration', g.entity_id, cast('9999-12-31' as date)
    from entity_facts as f
    inner join attributes as g on f.cluster_id = g.cluster_id and g.entity_id <> f.entity_id
),

behind_ranked as (
    select as_of_date, entity_id, indicator_id,
        case record_type when 'complaint' then '工单' when 'post' then '监测' else '登记' end || record_id as label,
        row_number() over (
            partition by as_of_date, entity_id, indicator_id
            order by delivery_date desc, record_type, record_id) as rn
    from behind as b
),

records as (
    -- the three newest, without an ordered aggregate (slow over millions of small groups)
    select as_of_date, entity_id, indicator_id,
        max(case when rn = 1 then label end)
            || coalesce('、' || max(case when rn = 2 then label end), '')
            || coalesce('、' || max(case when rn = 3 then label end), '') as record_ids
    from behind_ranked
    where rn <= 3
    group by as_of_date, entity_id, indicator_id
)

select m.as_of_date, m.entity_id, m.indicator_id, cast(m.measured_value as double) as measured_value, m.detail,
    r.record_ids
from measured as m
left join records as r
    on m.as_of_date = r.as_of_date and m.entity_id = r.entity_id and m.indicator_id = r.indicator_id
