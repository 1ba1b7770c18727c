-- Leads (线索): one the first night an entity turns red or yellow. Once a lead is answered 核查无问题 (verified
-- clean), the entity gets no new lead until new evidence arrives: the next lead is issued on the first red or
-- yellow night that follows a complaint or post delivered after the verification (up to
-- {{ var('lead_episodes') }} leads per entity). Actions match a lead by its id, or by the entity (USCC) within
-- the lead's span; its status follows the latest. 属地: the registered region, else the region most of the
-- entity's complainants are in. A lead open longer than {{ var('lead_feedback_days') }} days (to the latest
-- night loaded) is overdue.
{% set episodes = var('lead_episodes') | int %}
with flags as (
    select entity_id, uscc, region_code, as_of_date, warning_level
    from {{ ref('suspect_entities') }}
    where warning_level in ('red', 'yellow')
),

evidence as (
    select distinct entity_id, delivery_date from {{ ref('int_record_entities_mapped') }}
),

actions as (
    select * from {{ ref('int_dispositions_resolved') }}
),

lead_1 as (
    select entity_id, min(as_of_date) as issued_date from flags group by entity_id
),
{% for k in range(2, episodes + 1) %}

-- verified clean after lead {{ k - 1 }}; lead {{ k }} needs a red or yellow night after new evidence
cleared_{{ k - 1 }} as (
    select l.entity_id, min(a.action_date) as cleared_date
    from lead_{{ k - 1 }} as l
    inner join actions as a on a.entity_id = l.entity_id
    where a.action = '核查无问题' and a.action_date >= l.issued_date
    group by l.entity_id
),

lead_{{ k }} as (
    select f.entity_id, min(f.as_of_date) as issued_date
    from flags as f
    inner join cleared_{{ k - 1 }} as c on f.entity_id = c.entity_id
    where f.as_of_date > c.cleared_date
        and exists (
            select 1 from evidence as e
            where e.entity_id = f.entity_id and e.delivery_date > c.cleared_date and e.delivery_date <= f.as_of_date
        )
    group by f.entity_id
),
{% endfor %}

issued as (
    {% for k in range(1, episodes + 1) %}
    select entity_id, issued_date, {{ k }} as episode from lead_{{ k }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

spans as (
    select i.*,
        lead(i.issued_date) over (partition by i.entity_id order by i.issued_date) as next_issued_date,
        'XS' || replace(cast(i.issued_date as {{ dbt.type_string() }}), '-', '') || '-' || i.entity_id as lead_id
    from issued as i
),

complainant_regions as (
    select entity_id, complainant_region,
        row_number() over (partition by entity_id order by count(*) desc, complainant_region) as rn
    from {{ ref('int_complaints_resolved') }}
    where entity_id is not null and complainant_region is not null
    group by entity_id, complainant_region
),

matched as (
    select s.lead_id, a.action, a.action_date, a.unit, a.fine_amount, a.matched_by,
        row_number() over (partition by s.lead_id order by a.action_date desc, a.action desc) as rn
    from spans as s
    inner join actions as a on {{ answers_lead('a', 's') }}
),

latest_night as (
    select max(delivery_date) as night from {{ source('raw', 'load_audit') }}
)

select
    s.lead_id,
    s.entity_id,
    f.uscc,
    s.issued_date,
    s.episode,
    f.warning_level,
    coalesce(f.region_code, r.complainant_region) as region_code,
    case when f.region_code is not null then '登记住所' when r.complainant_region is not null then '投诉人所在地' end
        as region_basis,
    coalesce(m.action, 'open') as status,
    m.action as last_action,
    m.action_date as last_action_date,
    case when m.action is null
        and {{ dbt.datediff('s.issued_date', 'n.night', 'day') }} > {{ var('lead_feedback_days') }}
        then true else false end as overdue
from spans as s
inner join flags as f on s.entity_id = f.entity_id and s.issued_date = f.as_of_date
left join complainant_regions as r on s.entity_id = r.entity_id and r.rn = 1
left join matched as m on s.lead_id = m.lead_id and m.rn = 1
cross join latest_night as n
