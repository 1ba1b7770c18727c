-- Every disposition action delivered, with the lead it answers (macro answers_lead, as the leads mart matches
-- them); null where it answers none.
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
left join spans as s on {{ answers_lead('a', 's') }}
