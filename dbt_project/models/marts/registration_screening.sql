-- New registrations screened the night they arrive: a name whose core (字号 and industry, without region
-- and organisation form) contains a trade name on the restricted-names seed.
select
    r.uscc,
    r.company_name,
    x.trade_name,
    r.region_code,
    r.established_date,
    r.first_delivery_date as screened_date,
    '字号“' || x.trade_name || '”列入限制名单（' || x.source || '）' as reason
from {{ ref('stg_registrations__companies') }} as r
inner join {{ ref('int_entity_aliases_built') }} as a
    on a.uscc = r.uscc and a.alias_kind = 'name_core'
inner join {{ ref('restricted_trade_names') }} as x on {{ dbt.position('x.trade_name', 'a.alias') }} > 0
