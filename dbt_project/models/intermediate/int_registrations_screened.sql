-- Registrations screened for what they are, not what is said about them: a name whose core (字号 and
-- industry, without region and organisation form) contains a trade name on the restricted-names seed, or
-- a legal representative whose keyed ID hash is on the organiser blacklist (int_organisers_blacklisted: the
-- seed, and organisers of cases transferred to the police) when it arrives. One row per reason.
select
    r.uscc,
    'restricted_name' as reason_kind,
    x.trade_name as matched,
    '字号“' || x.trade_name || '”列入限制名单（' || x.source || '）' as reason
from {{ ref('stg_registrations__companies') }} as r
inner join {{ ref('int_entity_aliases_built') }} as a
    on a.uscc = r.uscc and a.alias_kind = 'name_core'
inner join {{ ref('restricted_trade_names') }} as x on {{ dbt.position('x.trade_name', 'a.alias') }} > 0
union all
select
    r.uscc,
    'blacklisted_rep',
    b.case_ref,
    '法定代表人' || coalesce(r.legal_rep, '') || '列入传销组织者黑名单（' || coalesce(b.case_ref, '无案号') || '）'
from {{ ref('stg_registrations__companies') }} as r
inner join {{ ref('int_organisers_blacklisted') }} as b
    on r.legal_rep_id_hash = b.id_hash
    -- a registration that arrives once its legal representative is listed
    and (b.listed_date is null or r.first_delivery_date >= b.listed_date)
