-- depends_on: {{ ref('region_names') }}, {{ ref('org_forms') }}, {{ ref('industry_terms') }}
-- Every name by which a registered entity can be referred to: its full normalised name, its core
-- (without region and organisation form; for a name that carries the district of its own address, such
-- as 长沙市天心区久嘉汽车维修部, also without the district), its trade name (字号), and the names of the
-- sites it filed.
{% set regions = seed_alternation('region_names', 'region_name') %}
{% set district = "([一-龥]{1,4}?(?:新区|区|县))" %}
with addresses as (
    select uscc, region_code, name_norm, {{ fold_width('address') }} as address
    from {{ ref('stg_registrations__companies') }}
),

registered as (
    select
        a.uscc,
        a.region_code,
        a.name_norm,
        {{ cached_name_part('p', 'a.name_norm', 'core') }} as core,
        {{ cached_name_part('p', 'a.name_norm', 'trade') }} as trade,
        -- the district right after the leading regions; only where there is none, the search that may give
        -- regions back (长沙市长沙县), ten times slower over every address
        nullif(coalesce(
            nullif(regexp_extract(regexp_replace(a.address, '^(?:{{ regions }})+', ''), '^{{ district }}', 1), ''),
            regexp_extract(a.address, '^(?:{{ regions }})*{{ district }}', 1)), '') as district
    from addresses as a
    left join {{ ref('int_names_parsed') }} as p on a.name_norm = p.name_norm
),

parsed as (
    select uscc, region_code, name_norm, core, trade,
        case when {{ dbt.position('district', 'name_norm') }} > 0
            then {{ name_core(dbt.replace('name_norm', 'district', "''")) }} end as core_without_district
    from registered
),

sites as (
    select sponsor_uscc as uscc, {{ name_core(normalize_org_name('site_name')) }} as site_core
    from {{ ref('stg_icp_filings__sites') }}
    where sponsor_uscc is not null and site_name is not null
),

aliases as (
    select uscc, region_code, name_norm as alias, 'name' as alias_kind from parsed
    union all
    select uscc, region_code, core, 'name_core' from parsed where length(core) >= 2
    union all
    select uscc, region_code, core_without_district, 'name_core' from parsed
    where length(core_without_district) >= 2 and core_without_district <> core
    union all
    select uscc, region_code, trade, 'trade_name' from parsed where length(trade) >= 2 and trade <> core
    union all
    select s.uscc, p.region_code, s.site_core, 'site_name'
    from sites as s
    left join parsed as p on s.uscc = p.uscc
    where length(s.site_core) >= 2
)

select distinct uscc, region_code, alias, alias_kind
from aliases
