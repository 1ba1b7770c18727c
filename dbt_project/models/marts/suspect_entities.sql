-- depends_on: {{ ref('suspect_entity_versions') }}
-- depends_on: {{ ref('as_of_dates') }}
-- One row per entity per as-of date that has any risk signal (CONTRACT §3): each version of
-- suspect_entity_versions on every as-of date from its own to the next version's. A view: the versions are
-- stored once, not again each night they hold.
{{ config(materialized='view') }}
select
    d.as_of_date,
    v.entity_id,
    v.uscc,
    v.entity_name,
    v.region_code,
    v.risk_score,
    v.warning_level,
    v.score_features,
    v.score_spread,
    v.score_complaints,
    v.score_deception,
    v.score_harm,
    v.evidence,
    v.recommended_action,
    v.cluster_id,
    v.cluster_size,
    v.first_flagged_date
from {{ sibling('suspect_entity_versions') }} as v
inner join {{ sibling('as_of_dates') }} as d on {{ version_holds('v', 'd.as_of_date') }}
