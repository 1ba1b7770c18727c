-- Daily counts for the bulletins: complaints by complainant region and legal form, hits by category.
select
    delivery_date,
    'complaint' as record_type,
    coalesce(substr(complainant_region, 1, 2) || '0000', '未知') as province_code,
    coalesce(legal_forms, '无') as legal_form,
    count(*) as n_records
from {{ ref('complaints') }}
group by delivery_date, coalesce(substr(complainant_region, 1, 2) || '0000', '未知'), coalesce(legal_forms, '无')
union all
select
    delivery_date,
    'post',
    '未知',
    coalesce(main_legal_form, category, '无'),
    count(*)
from {{ ref('keyword_hits') }}
group by delivery_date, coalesce(main_legal_form, category, '无')
