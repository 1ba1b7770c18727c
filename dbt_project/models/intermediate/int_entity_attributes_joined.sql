-- The registration facts the risk measures read for each registered entity: establishment, capital,
-- related-company cluster, the blacklisted legal representative in it and the first member fined or
-- transferred to the police (disposition feedback), if any.
-- every registered entity has a cluster (int_entities_clustered; a company alone is a cluster of one)
with registrations as (
    select r.uscc, r.established_date, r.reg_capital, r.first_delivery_date, k.cluster_id, k.cluster_size
    from {{ ref('stg_registrations__companies') }} as r
    inner join {{ ref('int_entities_clustered') }} as k on r.uscc = k.entity_id
),

-- the first member of each entity's cluster (itself included) screened for a blacklisted legal
-- representative, and the night it arrived
blacklisted as (
    select f.uscc as entity_id, s.uscc as member_uscc, g.first_delivery_date as listed_on,
        row_number() over (partition by f.uscc order by g.first_delivery_date, s.uscc) as rn
    from {{ ref('int_registrations_screened') }} as s
    inner join registrations as g on s.uscc = g.uscc
    inner join registrations as f on g.cluster_id = f.cluster_id
    where s.reason_kind = 'blacklisted_rep'
),

-- the first member of each entity's cluster (itself included) fined or transferred to the police
disposed as (
    select f.uscc as entity_id, d.entity_id as member_uscc, d.action, d.action_date,
        row_number() over (partition by f.uscc order by d.action_date, d.entity_id, d.action) as rn
    from registrations as f
    inner join registrations as g on f.cluster_id = g.cluster_id
    inner join {{ ref('int_dispositions_resolved') }} as d on d.entity_id = g.uscc
    where d.action in ('行政处罚', '移送公安')
),

members as (
    select f.uscc as entity_id,
        {{ dbt.listagg('g.uscc', "'、'", 'order by g.uscc') }} as other_members
    from registrations as f
    inner join registrations as g on f.cluster_id = g.cluster_id and g.uscc <> f.uscc
    group by f.uscc
)

select r.uscc as entity_id, r.established_date, r.reg_capital, r.cluster_id, r.cluster_size,
    b.member_uscc as blacklisted_member, b.listed_on as blacklisted_date, d.member_uscc as disposed_member,
    d.action as disposed_action, d.action_date as disposed_date, m.other_members
from registrations as r
left join blacklisted as b on r.uscc = b.entity_id and b.rn = 1
left join disposed as d on r.uscc = d.entity_id and d.rn = 1
left join members as m on r.uscc = m.entity_id
