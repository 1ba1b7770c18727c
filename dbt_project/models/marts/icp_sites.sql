-- One row per filed website (latest filing), with the entity of its sponsor. An individual sponsor's
-- name is personal data and is masked.
select
    s.site_license,
    case when s.sponsor_nature = '个人' then substr(s.sponsor_name, 1, 1) || '**' else s.sponsor_name end
        as sponsor_name,
    s.sponsor_nature,
    s.sponsor_uscc as uscc,
    s.sponsor_uscc as entity_id,
    s.site_name,
    s.domain,
    s.approved_date,
    s.server_ip,
    s.access_provider,
    s.delivery_date
from {{ ref('stg_icp_filings__sites') }} as s
