-- A table, not a view: five models read it, and a view would rank and normalise every delivered row for each.
{{ config(materialized='table') }}
-- One row per ticket: a ticket re-delivered on a later date counts once, from its first delivery.
with ranked as (
    select
        c.*,
        row_number() over (
            partition by ticket_id
            order by _delivery_date, _file, _row_number
        ) as rn
    from {{ source('raw', 'complaints') }} as c
    where {{ not_held('complaints', 'c') }}
)

select
    ticket_id,
    received_at,
    cast(received_at as date) as received_date,
    coalesce(kind, '投诉') as kind,
    trim(target_name) as target_name,
    {{ normalize_org_name('target_name') }} as target_name_norm,
    target_uscc,
    target_address,
    target_url,
    {{ url_host('target_url') }} as target_host,
    description,
    amount,
    complainant_region,
    complainant_phone_hash as complainant_key,
    channel,
    _delivery_date as delivery_date
from ranked
where rn = 1
