-- One row per USCC: the latest registration event delivered for it.
with ranked as (
    select
        r.*,
        row_number() over (
            partition by uscc
            order by event_date desc, _delivery_date desc, _file desc, _row_number desc
        ) as rn,
        min(_delivery_date) over (partition by uscc) as first_delivery_date
    from {{ source('raw', 'registrations') }} as r
    where {{ not_held('registrations', 'r') }}
)

select
    uscc,
    trim(name) as company_name,
    {{ normalize_org_name('name') }} as name_norm,
    legal_rep,
    legal_rep_id_hash,
    reg_capital,
    established_date,
    address,
    region_code,
    business_scope,
    entity_type,
    status,
    phone_hash,
    email_hash,
    event as last_event,
    event_date as last_event_date,
    first_delivery_date,
    _delivery_date as delivery_date
from ranked
where rn = 1
