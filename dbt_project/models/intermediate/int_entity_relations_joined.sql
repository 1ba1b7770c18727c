-- Pairs of registered entities sharing an attribute: legal representative (name + keyed hash of the ID
-- number), phone, e-mail, address, server IP, domain or trade name. A value shared by more entities than
-- var('max_shared') is too common to mean a relation (a registration agent's address, say) and is ignored.
-- A shared trade name is a weak relation: ordinary trade names (华盛, 鑫源 …) recur across the country, so
-- it is shown but does not by itself join two companies into a cluster.
with registrations as (
    select * from {{ ref('stg_registrations__companies') }}
),

attributes as (
    select uscc as entity_id, 'legal_rep' as attribute, legal_rep || '#' || legal_rep_id_hash as value,
        legal_rep as shown
    from registrations where legal_rep_id_hash is not null and legal_rep is not null
    union all
    select uscc, 'phone', phone_hash, '联系电话（密钥哈希 ' || substr(phone_hash, 1, 8) || '）'
    from registrations where phone_hash is not null
    union all
    select uscc, 'email', email_hash, '电子邮箱（密钥哈希 ' || substr(email_hash, 1, 8) || '）'
    from registrations where email_hash is not null
    union all
    select uscc, 'address', {{ fold_width('address') }}, address
    from registrations where address is not null
    union all
    select sponsor_uscc, 'server_ip', server_ip, server_ip
    from {{ ref('stg_icp_filings__sites') }} where sponsor_uscc is not null and server_ip is not null
    union all
    select sponsor_uscc, 'domain', domain, domain
    from {{ ref('stg_icp_filings__sites') }} where sponsor_uscc is not null and domain is not null
    union all
    select uscc, 'trade_name', alias, alias
    from {{ ref('int_entity_aliases_built') }} where alias_kind = 'trade_name'
),

distinct_attributes as (
    select distinct entity_id, attribute, value, shown from attributes
),

counted as (
    select d.*, count(*) over (partition by attribute, value) as n_sharing
    from distinct_attributes as d
)

select
    a.entity_id as entity_a,
    b.entity_id as entity_b,
    a.attribute as shared_attribute,
    a.shown as shared_value,
    a.n_sharing,
    case when a.attribute = 'trade_name' then 'weak' else 'strong' end as strength
from counted as a
inner join counted as b
    on a.attribute = b.attribute and a.value = b.value and a.entity_id < b.entity_id
where a.n_sharing between 2 and {{ var('max_shared') }}
