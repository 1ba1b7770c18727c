-- One row per entity per as-of date with any risk signal: scores, three-colour warning and evidence.
with relation_kinds as (
    select entity_id, {{ dbt.listagg('attribute_zh', "'、'", 'order by attribute_zh') }} as shared_attributes
    from (
        select distinct entity_a as entity_id, shared_attribute_zh as attribute_zh from {{ ref('entity_relations') }}
        where strength = 'strong'
        union
        select distinct entity_b, shared_attribute_zh from {{ ref('entity_relations') }}
        where strength = 'strong'
    ) as r
    group by entity_id
),

scores as (
    select s.*, e.uscc, e.entity_name, e.region_code, e.established_date,
        coalesce(e.cluster_size, 1) as cluster_size, e.cluster_id, k.shared_attributes
    from {{ ref('int_entity_scores_daily') }} as s
    inner join {{ ref('entities') }} as e on s.entity_id = e.entity_id
    left join relation_kinds as k on s.entity_id = k.entity_id
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

adjusted as (
    select s.*,
        case when s.established_date > {{ dbt.dateadd('day', -180, 's.as_of_date') }}
            then 1 else 0 end as newly_registered
    from scores as s
),

scored as (
    select a.*,
        least(100, a.score_deception + 20 * a.newly_registered) as score_deception_total,
        round(
            w.w_features * a.score_features + w.w_spread * a.score_spread
            + w.w_complaints * a.score_complaints
            + w.w_deception * least(100, a.score_deception + 20 * a.newly_registered)
            + w.w_harm * least(100, a.score_harm + 10 * (a.cluster_size - 1)), 1) as risk_score
    from adjusted as a
    cross join weights as w
),

graded as (
    select s.*,
        (select max(l.min_score) from {{ ref('warning_levels') }} as l where l.min_score <= s.risk_score)
            as level_floor
    from scored as s
),

leveled as (
    select g.*, l.warning_level, l.level_zh, l.recommended_action
    from graded as g
    inner join {{ ref('warning_levels') }} as l on g.level_floor = l.min_score
)

select
    as_of_date,
    entity_id,
    uscc,
    entity_name,
    region_code,
    risk_score,
    warning_level,
    round(score_features, 1) as score_features,
    round(score_spread, 1) as score_spread,
    round(score_complaints, 1) as score_complaints,
    round(score_deception_total, 1) as score_deception,
    round(least(100, score_harm + 10 * (cluster_size - 1)), 1) as score_harm,
    level_zh || '（' || cast(risk_score as varchar) || '分）。'
        || '特征点：' || terms_found
        || case when n_legal_forms > 0 then '，涉及' || cast(n_legal_forms as varchar) || '种传销法定形态' else '' end
        || '（依据：' || coalesce('工单 ' || complaint_ids, '')
        || case when complaint_ids is not null and post_ids is not null then '；' else '' end
        || coalesce('监测 ' || post_ids, '') || coalesce(case when complaint_ids is null and post_ids is null
            then '经营范围' end, '') || '）'
        || case when n_complaints > 0
            then '；投诉量：' || cast({{ window_days() }} as varchar) || '日内投诉举报' || cast(n_complaints as varchar)
                || '件，其中举报' || cast(n_reports as varchar) || '件、引用涉传用语' || cast(n_citing as varchar)
                || '件（依据：工单 ' || window_complaint_ids || '）'
            else '' end
        || case when n_hits > 0
            then '；传播面：监测命中' || cast(n_hits as varchar) || '条，涉及平台' || cast(n_platforms as varchar)
                || '个（依据：监测 ' || window_post_ids || '）'
            else '' end
        || case when amount > 0
            then '；危害度：涉及金额合计' || cast(round(amount / 10000, 2) as varchar) || '万元'
            else '' end
        || case when cluster_size > 1
            then '；关联企业：与其他' || cast(cluster_size - 1 as varchar) || '家企业构成关联企业群 ' || cluster_id
                || '（共用' || shared_attributes || '）'
            else '' end
        || case when newly_registered = 1
            then '；欺骗性：新设立企业（成立于' || cast(established_date as varchar) || '）'
            else '' end
        || '。' as evidence,
    recommended_action,
    cluster_id,
    cluster_size,
    min(case when warning_level in ('red', 'yellow') then as_of_date end)
        over (partition by entity_id order by as_of_date rows between unbounded preceding and current row)
        as first_flagged_date
from leveled
