-- Every disposition action delivered, with the lead it answers: the lead it names, else the entity's lead
-- whose span (from its issue to the next lead's) holds the action's date; null where it answers none.
with spans as (
    select lead_id, entity_id, issued_date,
        lead(issued_date) over (partition by entity_id order by issued_date) as next_issued_date
    from {{ ref('leads') }}
)

select
    s.lead_id,
    a.lead_id as delivered_lead_id,
    a.entity_id,
    a.uscc,
    a.matched_by,
    a.action,
    a.action_date,
    a.unit,
    a.fine_amount,
    a.delivery_date
from {{ ref('int_dispositions_resolved') }} as a
left join spans as s
    on a.entity_id = s.entity_id
    and (a.lead_id = s.lead_id
        or (a.lead_id is null and a.action_date >= s.issued_date
            and (s.next_issued_date is null or a.action_date < s.next_issued_date)))
