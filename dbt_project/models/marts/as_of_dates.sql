-- Every as-of date the snapshots cover: each delivery date loaded. The views suspect_entities and
-- entity_indicator_scores give each version on these dates, from its own to the next.
select distinct delivery_date as as_of_date from {{ source('raw', 'load_audit') }}
