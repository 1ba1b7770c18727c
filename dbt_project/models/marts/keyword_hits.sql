-- depends_on: {{ ref('int_entity_changes_detected') }}
-- One row per loaded web-monitoring hit, resolved to its entity, with the lexicon terms it carries.
-- Incremental: a build writes the records of the dates loaded since the last build and the earlier
-- records whose resolution changed (a late registration or filing can re-resolve any of them).
{{ config(
    pre_hook="{{ delete_redelivered('delivery_date', ref('int_keyword_hits_resolved'), 'hit_id') }}",
    **incremental_config('delivery_date', unique_key='hit_id'),
) }}
with hits as (
    select * from {{ ref('int_keyword_hits_resolved') }} as h
    {% if is_incremental() %}
    where {{ redelivered_or_re_resolved('h', 'hit_id') }}
    {% endif %}
),

terms as (
    select record_id,
        {{ dbt.listagg('term', "'、'", 'order by term') }} as matched_terms,
        max(case when legal_form <> '伪装' then legal_form end) as main_legal_form,
        max(category) as category
    from (
        select distinct record_id, term, legal_form, category
        from {{ ref('int_text_signals_matched') }}
        where record_type = 'post' and record_id in (select hit_id from hits)
    ) as t
    group by record_id
)

select
    h.hit_id,
    h.captured_date,
    h.platform,
    p.url,
    h.url_host,
    p.title,
    p.keyword,
    h.mentioned_name,
    h.entity_id,
    h.uscc,
    h.resolution_method,
    t.matched_terms,
    t.main_legal_form,
    t.category,
    h.reads,
    h.shares,
    h.delivery_date
from hits as h
inner join {{ ref('stg_keyword_hits__posts') }} as p on h.hit_id = p.hit_id
left join terms as t on h.hit_id = t.record_id
