-- Not a view: five models read it, and a view would rank and normalise every delivered row for each.
-- Incremental on DuckDB: a build ranks only the partitions loaded since the last complete build, and a hit
-- first delivered on an earlier date keeps that delivery. A table on Spark (its partition overwrite cannot
-- read the table it replaces).
-- depends_on: {{ source('raw', 'load_log') }}
{{ config(
    pre_hook="{{ delete_loaded_since('delivery_date') }}",
    **incremental_config('delivery_date', duckdb_only=true),
) }}
-- One row per hit: a hit re-delivered on a later date counts once, from its first delivery.
with ranked as (
    select
        h.*,
        row_number() over (
            partition by hit_id
            order by _delivery_date, _file, _row_number
        ) as rn
    from {{ source('raw', 'keyword_hits') }} as h
    where {{ not_held('keyword_hits', 'h') }}
    {% if is_incremental() %}
        and h._delivery_date >= {{ loaded_since() }}
    {% endif %}
)

select
    hit_id,
    captured_at,
    cast(captured_at as date) as captured_date,
    platform,
    url,
    {{ url_host('url') }} as url_host,
    title,
    content,
    keyword,
    account,
    trim(mentioned_name) as mentioned_name,
    {{ normalize_org_name('mentioned_name') }} as mentioned_name_norm,
    server_ip,
    coalesce(reads, 0) as reads,
    coalesce(shares, 0) as shares,
    _delivery_date as delivery_date
from ranked as r
where rn = 1
{% if is_incremental() %}
    and not exists (select 1 from {{ this }} as kept where kept.hit_id = r.hit_id)
{% endif %}
