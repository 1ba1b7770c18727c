-- Every red warning's evidence names at least two indicators together with the records behind them
-- (each such indicator carries a “（依据：…）” with ticket or hit ids).
select as_of_date, entity_id, evidence
from {{ ref('suspect_entity_versions') }}
where warning_level = 'red'
    and (length(evidence) - length(replace(evidence, '（依据：', ''))) / length('（依据：') < 2
