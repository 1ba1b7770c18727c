-- One row per site licence: the latest filing delivered for it.
with ranked as (
    select
        f.*,
        row_number() over (
            partition by site_license
            order by _delivery_date desc, _file desc, _row_number desc
        ) as rn
    from {{ source('raw', 'icp_filings') }} as f
    where {{ not_held('icp_filings', 'f') }}
)

select
    site_license,
    trim(sponsor_name) as sponsor_name,
    {{ normalize_org_name('sponsor_name') }} as sponsor_name_norm,
    sponsor_nature,
    sponsor_uscc,
    site_name,
    {{ url_host('domain') }} as domain,
    home_url,
    approved_date,
    server_ip,
    access_provider,
    _delivery_date as delivery_date
from ranked
where rn = 1
