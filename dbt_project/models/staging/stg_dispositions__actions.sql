-- Every disposition action delivered, once per (lead or USCC, action, date).
select distinct
    lead_id,
    uscc,
    action,
    action_date,
    unit,
    fine_amount,
    note,
    _delivery_date as delivery_date
from {{ source('raw', 'dispositions') }} as d
where {{ not_held('dispositions', 'd') }}
