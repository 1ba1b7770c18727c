-- Relations between registered entities: one row per pair and shared attribute. Phones and e-mails are
-- shown only as a prefix of their keyed hash; legal representatives' names are public registration data.
select
    entity_a,
    entity_b,
    shared_attribute,
    case shared_attribute
        when 'legal_rep' then '法定代表人'
        when 'phone' then '联系电话'
        when 'email' then '电子邮箱'
        when 'address' then '住所'
        when 'server_ip' then '服务器IP'
        when 'domain' then '网站域名'
        when 'trade_name' then '字号'
    end as shared_attribute_zh,
    shared_value,
    n_sharing,
    strength
from {{ ref('int_entity_relations_joined') }}
