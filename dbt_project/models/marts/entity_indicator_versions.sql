-- Every second-level indicator that fired for an entity on an as-of date on which its snapshot may change
-- (it holds until the version's valid_to in suspect_entity_versions; the view entity_indicator_scores gives it
-- on every night): measured value, score (0–100, by the thresholds of seed risk_indicators), the points it
-- adds to its first-level indicator, and the records behind it. suspect_entity_versions sums these.
-- Incremental on DuckDB, as its measures are: a build grades again only the measures
-- int_entity_indicators_measured recomputed (the change detection also covers the thresholds and weights).
-- A table on Spark, whose partitioned tables put the partition column last: the published columns keep
-- their order.
-- depends_on: {{ ref('int_entity_changes_detected') }}
{{ config(
    pre_hook="{{ delete_rebuild_scope('as_of_date', 'entity_id') }}",
    meta={'tested_in': 'rebuild_scope'},
    **incremental_config('as_of_date', duckdb_only=true),
) }}
with graded as (
    select m.*, i.indicator_zh, i.level, i.weight,
        least(1.0, greatest(0.0,
            (m.measured_value - i.threshold_low) / (i.threshold_high - i.threshold_low))) as degree
    from {{ ref('int_entity_indicators_measured') }} as m
    inner join {{ ref('risk_indicators') }} as i on m.indicator_id = i.indicator_id
    {% if is_incremental() %}
    where {{ in_measure_scope('m.as_of_date', 'm.entity_id') }}
    {% endif %}
)

select
    g.as_of_date,
    g.entity_id,
    g.indicator_id,
    g.indicator_zh,
    g.level,
    w.indicator_zh as level_zh,
    round(g.measured_value, 3) as measured_value,
    round(100 * g.degree, 1) as indicator_score,
    round(g.weight * g.degree, 2) as points,
    g.detail,
    g.record_ids
from graded as g
inner join {{ ref('indicator_weights') }} as w on g.level = w.indicator
where g.degree > 0
