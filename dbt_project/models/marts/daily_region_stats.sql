-- Daily counts for the bulletins: complaints by the complainant's province, complaints and keyword
-- hits by lexicon category (the three legal forms and the disguises). A record counts once per
-- category it carries; a record with no lexicon term counts under 无涉传用语.
with categories as (
    select distinct record_type, record_id, category, legal_form
    from {{ ref('int_text_signals_matched') }}
    where record_type in ('complaint', 'post')
),

records as (
    select 'complaint' as record_type, ticket_id as record_id, delivery_date,
        coalesce(substr(complainant_region, 1, 2) || '0000', '000000') as province_code
    from {{ ref('complaints') }}
    union all
    select 'post', hit_id, delivery_date, '000000'
    from {{ ref('keyword_hits') }}
),

counts as (
    select r.delivery_date, r.record_type, r.province_code,
        coalesce(c.category, '无涉传用语') as category,
        coalesce(c.legal_form, '无') as legal_form,
        count(*) as n_records
    from records as r
    left join categories as c on r.record_type = c.record_type and r.record_id = c.record_id
    group by r.delivery_date, r.record_type, r.province_code, coalesce(c.category, '无涉传用语'),
        coalesce(c.legal_form, '无')
)

select c.delivery_date, c.record_type, c.province_code,
    coalesce(p.province_name, '未知地区') as province_name, c.category, c.legal_form, c.n_records
from counts as c
left join {{ ref('regions') }} as p on c.province_code = p.province_code
