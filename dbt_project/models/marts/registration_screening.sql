-- New registrations screened the night they arrive (int_registrations_screened): one row per
-- registration and reason.
select
    r.uscc,
    r.company_name,
    s.reason_kind,
    case when s.reason_kind = 'restricted_name' then s.matched end as trade_name,
    r.region_code,
    r.established_date,
    r.first_delivery_date as screened_date,
    s.reason
from {{ ref('stg_registrations__companies') }} as r
inner join {{ ref('int_registrations_screened') }} as s on r.uscc = s.uscc
