-- The organiser blacklist: the seed's keyed ID hashes, and the legal representatives of entities whose case
-- was transferred to the police (移送公安), listed from the date of the transfer.
with transferred as (
    select r.legal_rep_id_hash as id_hash, r.legal_rep,
        '移送公安（' || coalesce(d.unit, '处置单位未填') || '，' || cast(d.action_date as {{ dbt.type_string() }}) || '，'
        || r.uscc || '）' as case_ref,
        d.action_date as listed_date,
        row_number() over (partition by r.legal_rep_id_hash order by d.action_date, r.uscc) as rn
    from {{ ref('int_dispositions_resolved') }} as d
    inner join {{ ref('stg_registrations__companies') }} as r on d.entity_id = r.uscc
    where d.action = '移送公安' and r.legal_rep_id_hash is not null
)

select id_hash, legal_rep, case_ref, listed_date, 'seed' as listed_by
from {{ ref('organiser_blacklist') }}
union all
select t.id_hash, t.legal_rep, t.case_ref, t.listed_date, 'disposition'
from transferred as t
where t.rn = 1 and not exists (select 1 from {{ ref('organiser_blacklist') }} as b where b.id_hash = t.id_hash)
