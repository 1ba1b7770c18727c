-- Lexicon terms found in complaint texts and post titles and contents (lexicon_terms): one row per record
-- and term, with the record's delivery date.
-- Incremental on DuckDB, as the staging tables it reads: a build matches only the records delivered since
-- the last complete build, and every record again when the lexicon or its exclusions changed (the
-- fingerprint the post-hook keeps). A table on Spark, as its staging tables are.
-- depends_on: {{ source('raw', 'load_log') }}
{{ config(
    pre_hook="{{ delete_recomputed('lexicon', lexicon_fingerprint(), 'delivery_date >= ' ~ loaded_since()) }}",
    post_hook="{{ keep_fingerprint('lexicon', lexicon_fingerprint()) }}",
    **incremental_config('delivery_date', duckdb_only=true),
) }}
{% set since = is_incremental() and not lexicon_changed() %}
with bodies as (
    select 'complaint' as record_type, ticket_id as record_id, description as body, delivery_date
    from {{ ref('stg_complaints__tickets') }}
    {% if since %}where delivery_date >= {{ loaded_since() }}{% endif %}
    union all
    select 'post', hit_id, coalesce(title, '') || ' ' || content, delivery_date
    from {{ ref('stg_keyword_hits__posts') }}
    {% if since %}where delivery_date >= {{ loaded_since() }}{% endif %}
)

{{ lexicon_terms('bodies', extra=['delivery_date']) }}
