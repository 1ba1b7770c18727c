-- Per entity and as-of date (every loaded delivery date): the five first-level indicator scores over
-- the records delivered in the last {{ var('signal_window_days') }} days, with the record ids behind each.
{% set window = var('signal_window_days') %}
with nights as (
    select distinct delivery_date as as_of_date
    from {{ source('raw', 'load_audit') }}
),

complaints as (
    select m.entity_id, c.ticket_id, c.delivery_date, c.kind, coalesce(c.amount, 0) as amount,
        case when exists (
            select 1 from {{ ref('int_text_signals_matched') }} as s
            where s.record_type = 'complaint' and s.record_id = c.ticket_id
        ) then 1 else 0 end as cites_terms
    from {{ ref('int_complaints_resolved') }} as c
    inner join {{ ref('int_record_entities_mapped') }} as m
        on m.record_type = 'complaint' and m.record_id = c.ticket_id
),

hits as (
    select m.entity_id, h.hit_id, h.delivery_date, h.platform, h.reads + h.shares as reach
    from {{ ref('int_keyword_hits_resolved') }} as h
    inner join {{ ref('int_record_entities_mapped') }} as m
        on m.record_type = 'post' and m.record_id = h.hit_id
),

signals as (
    select * from {{ ref('int_text_signals_matched') }}
    where entity_id is not null
),

in_window as (
    select n.as_of_date, s.*
    from signals as s
    inner join nights as n
        on s.delivery_date <= n.as_of_date
        and s.delivery_date > {{ dbt.dateadd('day', -window, 'n.as_of_date') }}
),

-- each term counts once per entity and night, with its weight and the first records that carry it
terms as (
    select as_of_date, entity_id, indicator, legal_form, term, max(weight) as weight,
        min(record_id) as first_record
    from in_window
    group by as_of_date, entity_id, indicator, legal_form, term
),

term_scores as (
    select as_of_date, entity_id,
        least(100, sum(case when indicator = 'features' then weight else 0 end)) as features_terms,
        least(100, sum(case when indicator = 'deception' then weight else 0 end)) as deception_terms,
        count(distinct case when legal_form in ('拉人头', '收取入门费', '团队计酬') then legal_form end)
            as n_legal_forms,
        {{ dbt.listagg("case when term_rank <= 8 then '“' || term || '”' end", "''", "order by term_rank") }}
            || case when count(*) > 8 then '等' || cast(count(*) as varchar) || '个用语' else '' end as terms_found
    from (
        select t.*, row_number() over (
            partition by as_of_date, entity_id order by weight desc, term) as term_rank
        from terms as t
    ) as ranked_terms
    group by as_of_date, entity_id
),

complaint_scores as (
    select n.as_of_date, c.entity_id,
        count(*) as n_complaints,
        sum(case when c.kind = '举报' then 1 else 0 end) as n_reports,
        sum(c.cites_terms) as n_citing,
        sum(c.amount) as amount
    from complaints as c
    inner join nights as n
        on c.delivery_date <= n.as_of_date
        and c.delivery_date > {{ dbt.dateadd('day', -window, 'n.as_of_date') }}
    group by n.as_of_date, c.entity_id
),

hit_scores as (
    select n.as_of_date, h.entity_id,
        count(*) as n_hits,
        count(distinct h.platform) as n_platforms,
        sum(h.reach) as reach
    from hits as h
    inner join nights as n
        on h.delivery_date <= n.as_of_date
        and h.delivery_date > {{ dbt.dateadd('day', -window, 'n.as_of_date') }}
    group by n.as_of_date, h.entity_id
),

record_ids as (
    select as_of_date, entity_id, record_type, record_id,
        row_number() over (partition by as_of_date, entity_id, record_type order by record_id) as rn
    from (select distinct as_of_date, entity_id, record_type, record_id from in_window) as r
),

evidence_ids as (
    select as_of_date, entity_id,
        {{ dbt.listagg("case when record_type = 'complaint' then record_id end", "'、'", "order by record_id") }} as complaint_ids,
        {{ dbt.listagg("case when record_type = 'post' then record_id end", "'、'", "order by record_id") }} as post_ids
    from record_ids
    where rn <= 5
    group by as_of_date, entity_id
),

-- every complaint and post of the window, signal or not: the records behind the counts
window_records as (
    select n.as_of_date, c.entity_id, 'complaint' as record_type, c.ticket_id as record_id
    from complaints as c
    inner join nights as n
        on c.delivery_date <= n.as_of_date
        and c.delivery_date > {{ dbt.dateadd('day', -window, 'n.as_of_date') }}
    union all
    select n.as_of_date, h.entity_id, 'post', h.hit_id
    from hits as h
    inner join nights as n
        on h.delivery_date <= n.as_of_date
        and h.delivery_date > {{ dbt.dateadd('day', -window, 'n.as_of_date') }}
),

window_ids as (
    select as_of_date, entity_id,
        {{ dbt.listagg("case when record_type = 'complaint' then record_id end", "'、'", "order by record_id") }} as window_complaint_ids,
        {{ dbt.listagg("case when record_type = 'post' then record_id end", "'、'", "order by record_id") }} as window_post_ids
    from (
        select w.*, row_number() over (
            partition by as_of_date, entity_id, record_type order by record_id desc) as rn
        from (select distinct as_of_date, entity_id, record_type, record_id from window_records) as w
    ) as ranked
    where rn <= 3
    group by as_of_date, entity_id
)

select
    t.as_of_date,
    t.entity_id,
    t.n_legal_forms,
    t.terms_found,
    coalesce(c.n_complaints, 0) as n_complaints,
    coalesce(c.n_reports, 0) as n_reports,
    coalesce(c.n_citing, 0) as n_citing,
    coalesce(c.amount, 0) as amount,
    coalesce(h.n_hits, 0) as n_hits,
    coalesce(h.n_platforms, 0) as n_platforms,
    coalesce(h.reach, 0) as reach,
    e.complaint_ids,
    e.post_ids,
    w.window_complaint_ids,
    w.window_post_ids,
    cast(least(100, t.features_terms + 10 * t.n_legal_forms) as double) as score_features,
    cast(least(100, 5 * coalesce(h.n_hits, 0) + 10 * coalesce(h.n_platforms, 0)
        + 10 * ln(1 + coalesce(h.reach, 0)) / ln(10)) as double) as score_spread,
    cast(least(100, 10 * coalesce(c.n_complaints, 0) + 10 * coalesce(c.n_reports, 0)
        + 15 * coalesce(c.n_citing, 0)) as double) as score_complaints,
    cast(least(100, t.deception_terms) as double) as score_deception,
    cast(least(100, 20 * ln(1 + coalesce(c.amount, 0) / 1000) / ln(10)
        + 5 * coalesce(c.n_complaints, 0)) as double) as score_harm
from term_scores as t
left join complaint_scores as c on t.as_of_date = c.as_of_date and t.entity_id = c.entity_id
left join hit_scores as h on t.as_of_date = h.as_of_date and t.entity_id = h.entity_id
left join evidence_ids as e on t.as_of_date = e.as_of_date and t.entity_id = e.entity_id
left join window_ids as w on t.as_of_date = w.as_of_date and t.entity_id = w.entity_id
