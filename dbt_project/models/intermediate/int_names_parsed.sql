-- depends_on: {{ ref('region_names') }}, {{ ref('org_forms') }}, {{ ref('industry_terms') }}, {{ source('raw', 'load_log') }}
-- The parse of every normalised name that registrations, complaints and posts use: its core, trade name and
-- the region it carries (name_part). Parsing them all again each night was most of what resolving names cost
-- (two million names after eleven national nights, 190 thousand new a night).
-- Incremental on DuckDB: a build parses only the names of the records loaded since the last complete build that
-- it has not parsed yet, and every name again when the parse changed (its SQL, which holds the seeds' regions,
-- forms and industries). A name stays once its records are gone; one it lacks (a registration that fell back
-- to an earlier name) its readers parse themselves (cached_name_part). A table on Spark.
{{ config(
    pre_hook="{{ delete_recomputed('parse', name_parse_fingerprint()) }}",
    post_hook="{{ keep_fingerprint('parse', name_parse_fingerprint()) }}",
    **incremental_config('name_norm', duckdb_only=true),
) }}
{% set since = is_incremental() and not kept_fingerprint_differs('parse', name_parse_fingerprint()) %}
with names as (
    select name_norm from {{ ref('stg_registrations__companies') }}
    {% if since %}where delivery_date >= {{ loaded_since() }}{% endif %}
    union
    select target_name_norm from {{ ref('stg_complaints__tickets') }}
    {% if since %}where delivery_date >= {{ loaded_since() }}{% endif %}
    union
    select mentioned_name_norm from {{ ref('stg_keyword_hits__posts') }}
    {% if since %}where delivery_date >= {{ loaded_since() }}{% endif %}
)

select
    name_norm,
    {{ name_part('name_norm', 'core') }} as core,
    {{ name_part('name_norm', 'trade') }} as trade,
    {{ name_part('name_norm', 'region') }} as region
from names as n
where name_norm is not null
{% if since %}
    and not exists (select 1 from {{ this }} as kept where kept.name_norm = n.name_norm)
{% endif %}
