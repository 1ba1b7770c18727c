-- Not a view: five models read it, and a view would rank and normalise every delivered row for each.
-- Incremental on DuckDB: a build ranks only the partitions loaded since the last complete build, and a ticket
-- first delivered on an earlier date keeps that delivery. A table on Spark (its partition overwrite cannot
-- read the table it replaces).
-- depends_on: {{ source('raw', 'load_log') }}
{{ config(
    pre_hook="{{ delete_loaded_since('delivery_date') }}",
    **incremental_config('delivery_date', duckdb_only=true),
) }}
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
    {% if is_incremental() %}
        and c._delivery_date >= {{ loaded_since() }}
    {% endif %}
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
from ranked as r
where rn = 1
{% if is_incremental() %}
    and not exists (select 1 from {{ this }} as kept where kept.ticket_id = r.ticket_id)
{% endif %}
