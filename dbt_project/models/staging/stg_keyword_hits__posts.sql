-- A table, not a view: five models read it, and a view would rank and normalise every delivered row for each.
{{ config(materialized='table') }}
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
from ranked
where rn = 1
