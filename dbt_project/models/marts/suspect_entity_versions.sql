-- One row per entity per as-of date on which its snapshot may change (int_entity_snapshots_dated) and that
-- has any risk signal, valid until valid_to (the entity's next such date; null: still valid): the five
-- first-level scores (each the capped sum of its fired second-level indicators' points), the risk index (their
-- weighted sum, times the key-region factor of the registered address), the three-colour warning and the
-- evidence naming every indicator that fired. The view suspect_entities gives it on every night it holds.
-- Incremental on DuckDB, as the measures are: a build recomputes only the versions whose measures, entity
-- (code, name, region, kind, cluster) or settings changed (int_entity_changes_detected), and its post-hook ends
-- the kept version of each entity with a new one at that date. A table on Spark: its partition overwrite
-- cannot read the table it replaces (the first red or yellow night of an entity is taken from the versions
-- kept) and puts the partition column last.
-- depends_on: {{ ref('int_entity_changes_detected') }}
{{ config(
    pre_hook="{{ delete_rebuild_scope('as_of_date', 'entity_id') }}",
    post_hook="{{ end_kept_versions() }}",
    meta={'tested_in': 'rebuild_scope'},
    **incremental_config('as_of_date', duckdb_only=true),
) }}
{{ require_all_snapshot_dates() }}
with anchors as (
    select distinct as_of_date, entity_id from {{ ref('int_entity_indicators_measured') }} as m
    {% if is_incremental() %}
    where {{ in_measure_scope('m.as_of_date', 'm.entity_id') }}
    {% endif %}
),

-- every fired indicator once: its points by level, and its line of evidence in the order the evidence
-- lists them (ranked first: an aggregate ordered by one key is far cheaper than by three)
fired as (
    select as_of_date, entity_id, level, points,
        '【' || level_zh || '】' || indicator_zh || coalesce('：' || detail, '')
            || coalesce('（依据：' || record_ids || '）', '') as item,
        row_number() over (
            partition by as_of_date, entity_id
            order by case level when 'features' then 1 when 'spread' then 2 when 'complaints' then 3
                when 'deception' then 4 else 5 end, points desc, indicator_id) as item_rank
    from {{ ref('entity_indicator_versions') }} as i
    {% if is_incremental() %}
    where {{ in_measure_scope('i.as_of_date', 'i.entity_id') }}
    {% endif %}
),

-- points summed as decimals: exact, so a re-run gives the same score whatever order the rows come in
fired_levels as (
    select as_of_date, entity_id,
        sum(case when level = 'features' then cast(points as decimal(18, 2)) end) as score_features,
        sum(case when level = 'spread' then cast(points as decimal(18, 2)) end) as score_spread,
        sum(case when level = 'complaints' then cast(points as decimal(18, 2)) end) as score_complaints,
        sum(case when level = 'deception' then cast(points as decimal(18, 2)) end) as score_deception,
        sum(case when level = 'harm' then cast(points as decimal(18, 2)) end) as score_harm,
        {{ dbt.listagg('item', "'；'", 'order by item_rank') }} as fired_text
    from fired
    group by as_of_date, entity_id
),

levels as (
    select a.as_of_date, a.entity_id,
        least(100, cast(coalesce(f.score_features, 0) as double)) as score_features,
        least(100, cast(coalesce(f.score_spread, 0) as double)) as score_spread,
        least(100, cast(coalesce(f.score_complaints, 0) as double)) as score_complaints,
        least(100, cast(coalesce(f.score_deception, 0) as double)) as score_deception,
        least(100, cast(coalesce(f.score_harm, 0) as double)) as score_harm,
        f.fired_text
    from anchors as a
    left join fired_levels as f on a.as_of_date = f.as_of_date and a.entity_id = f.entity_id
),

weights as (
    select
        max(case when indicator = 'features' then weight end) as w_features,
        max(case when indicator = 'spread' then weight end) as w_spread,
        max(case when indicator = 'complaints' then weight end) as w_complaints,
        max(case when indicator = 'deception' then weight end) as w_deception,
        max(case when indicator = 'harm' then weight end) as w_harm
    from {{ ref('indicator_weights') }}
),

entities as (
    select e.entity_id, e.uscc, e.entity_name, e.region_code, e.cluster_id, coalesce(e.cluster_size, 1) as cluster_size,
        k.region_zh as key_region, k.basis as key_region_basis, coalesce(k.factor, 1.0) as region_factor
    from {{ ref('entities') }} as e
    left join (
        select e2.entity_id, r.region_zh, r.basis, r.factor,
            row_number() over (partition by e2.entity_id order by r.factor desc, r.code_prefix desc) as rn
        from {{ ref('entities') }} as e2
        inner join {{ ref('key_regions') }} as r
            on e2.entity_kind = 'registered' and e2.region_code like r.code_prefix || '%'
        where e2.entity_id in (select entity_id from anchors)
    ) as k on e.entity_id = k.entity_id and k.rn = 1
    where e.entity_id in (select entity_id from anchors)
),

scored as (
    select l.*, d.valid_to, e.uscc, e.entity_name, e.region_code, e.cluster_id, e.cluster_size, e.key_region,
        e.key_region_basis, e.region_factor,
        round(least(100, e.region_factor * (
            w.w_features * l.score_features + w.w_spread * l.score_spread
            + w.w_complaints * l.score_complaints + w.w_deception * l.score_deception
            + w.w_harm * l.score_harm)), 1) as risk_score
    from levels as l
    inner join entities as e on l.entity_id = e.entity_id
    inner join {{ ref('int_entity_snapshots_dated') }} as d on l.as_of_date = d.as_of_date and l.entity_id = d.entity_id
    cross join weights as w
),

leveled as (
    select s.*, l.warning_level, l.level_zh, l.recommended_action
    from scored as s
    inner join {{ ref('warning_levels') }} as l
        on l.min_score <= s.risk_score
    -- the highest band the score reaches
    where not exists (
        select 1 from {{ ref('warning_levels') }} as x where x.min_score <= s.risk_score and x.min_score > l.min_score)
),

-- each entity's first red or yellow night among the snapshots this build keeps (none in a full build; on
-- DuckDB the kept ones of an entity all precede its recomputed ones)
flagged_before as (
    {% if is_incremental() %}
    select entity_id, min(as_of_date) as flagged_date
    from {{ this }}
    where warning_level in ('red', 'yellow')
    group by entity_id
    {% else %}
    select entity_id, as_of_date as flagged_date from anchors where 1 = 0
    {% endif %}
)

select
    l.as_of_date,
    l.entity_id,
    l.uscc,
    l.entity_name,
    l.region_code,
    l.risk_score,
    l.warning_level,
    round(l.score_features, 1) as score_features,
    round(l.score_spread, 1) as score_spread,
    round(l.score_complaints, 1) as score_complaints,
    round(l.score_deception, 1) as score_deception,
    round(l.score_harm, 1) as score_harm,
    l.level_zh || '（' || cast(l.risk_score as {{ dbt.type_string() }}) || '分）。' || coalesce(l.fired_text, '无指标达到计分阈值')
        || case when l.key_region is not null
            then '；【重点地区】' || l.key_region || '（' || l.key_region_basis || '），指数乘以'
                || cast(l.region_factor as {{ dbt.type_string() }})
            else '' end
        || '。' as evidence,
    l.recommended_action,
    l.cluster_id,
    l.cluster_size,
    coalesce(
        case when b.flagged_date <= l.as_of_date then b.flagged_date end,
        min(case when l.warning_level in ('red', 'yellow') then l.as_of_date end)
            over (partition by l.entity_id order by l.as_of_date rows between unbounded preceding and current row)
    ) as first_flagged_date,
    l.valid_to
from leveled as l
left join flagged_before as b on l.entity_id = b.entity_id
