-- One lead per entity the night it first turned red or yellow; status follows the latest disposition
-- matched by lead id or USCC.
with first_flags as (
    select entity_id, uscc, region_code, as_of_date as issued_date, warning_level,
        row_number() over (partition by entity_id order by as_of_date) as rn
    from {{ ref('suspect_entities') }}
    where warning_level in ('red', 'yellow')
),

issued as (
    select
        'XS' || replace(cast(issued_date as varchar), '-', '') || '-' || substr(md5(entity_id), 1, 6) as lead_id,
        entity_id, uscc, issued_date, warning_level, region_code
    from first_flags
    where rn = 1
),

actions as (
    select i.lead_id, d.action, d.action_date,
        row_number() over (partition by i.lead_id order by d.action_date desc, d.action desc) as rn
    from issued as i
    inner join {{ ref('stg_dispositions__actions') }} as d
        on d.lead_id = i.lead_id or (d.lead_id is null and d.uscc = i.uscc)
    where d.action_date >= i.issued_date
)

select
    i.lead_id,
    i.entity_id,
    i.uscc,
    i.issued_date,
    i.warning_level,
    i.region_code,
    coalesce(a.action, 'open') as status,
    a.action as last_action,
    a.action_date as last_action_date
from issued as i
left join actions as a on i.lead_id = a.lead_id and a.rn = 1
