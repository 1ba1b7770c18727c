-- Each disposition action with the entity it answers: the entity named in its lead id (线索编号 is
-- XS + issue date + '-' + entity id, so it resolves without the leads themselves), else its USCC.
select
    d.lead_id,
    coalesce(
        case when d.lead_id like 'XS________-%' then substr(d.lead_id, 12) end,
        d.uscc
    ) as entity_id,
    d.uscc,
    case when d.lead_id is not null then 'lead_id' else 'uscc' end as matched_by,
    d.action,
    d.action_date,
    d.unit,
    d.fine_amount,
    d.delivery_date
from {{ ref('stg_dispositions__actions') }} as d
where d.lead_id is not null or d.uscc is not null
