-- One row per USCC: the latest registration event delivered for it.
-- Not a view: eleven models read it. Incremental on DuckDB: a build ranks again only the companies with
-- an event in the partitions loaded since the last complete build, or whose row came from one (an event may
-- be gone from a date delivered again); every event of theirs, so the first delivery stays theirs. A table on
-- Spark (its partition overwrite cannot read the table it replaces).
-- depends_on: {{ source('raw', 'load_log') }}
{{ config(
    pre_hook="{{ delete_reregistered() }}",
    **incremental_config('delivery_date', duckdb_only=true),
) }}
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
    {% if is_incremental() %}
        -- those the pre-hook removed, and new ones
        and not exists (select 1 from {{ this }} as kept where kept.uscc = r.uscc)
    {% endif %}
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
