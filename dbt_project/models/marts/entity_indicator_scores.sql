-- depends_on: {{ ref('entity_indicator_versions') }}
-- depends_on: {{ ref('suspect_entity_versions') }}
-- depends_on: {{ ref('as_of_dates') }}
-- Every second-level indicator that fired for an entity on an as-of date: each row of
-- entity_indicator_versions on every as-of date its version holds (suspect_entity_versions). A view.
{{ config(materialized='view') }}
select
    d.as_of_date,
    i.entity_id,
    i.indicator_id,
    i.indicator_zh,
    i.level,
    i.level_zh,
    i.measured_value,
    i.indicator_score,
    i.points,
    i.detail,
    i.record_ids
from {{ sibling('entity_indicator_versions') }} as i
inner join {{ sibling('suspect_entity_versions') }} as v
    on i.as_of_date = v.as_of_date and i.entity_id = v.entity_id
inner join {{ sibling('as_of_dates') }} as d on {{ version_holds('v', 'd.as_of_date') }}
