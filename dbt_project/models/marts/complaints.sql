-- depends_on: {{ ref('int_entity_changes_detected') }}
-- One row per loaded 12315 ticket, resolved to its entity, with the legal forms its text supports.
-- Incremental: a build writes the records of the dates loaded since the last build and the earlier
-- records whose resolution changed (a late registration or filing can re-resolve any of them).
{{ config(
    pre_hook="{{ delete_redelivered('delivery_date', ref('int_complaints_resolved'), 'ticket_id') }}",
    **incremental_config('delivery_date', unique_key='ticket_id'),
) }}
with tickets as (
    select * from {{ ref('int_complaints_resolved') }} as c
    {% if is_incremental() %}
    where {{ redelivered_or_re_resolved('c', 'ticket_id') }}
    {% endif %}
),

forms as (
    select record_id,
        {{ dbt.listagg('legal_form', "'、'", 'order by legal_form') }} as legal_forms
    from (
        select distinct record_id, legal_form
        from {{ ref('int_text_signals_matched') }}
        where record_type = 'complaint' and legal_form <> '伪装'
            and record_id in (select ticket_id from tickets)
    ) as f
    group by record_id
),

terms as (
    select record_id,
        {{ dbt.listagg('term', "'、'", 'order by term') }} as matched_terms
    from (
        select distinct record_id, term
        from {{ ref('int_text_signals_matched') }}
        where record_type = 'complaint' and record_id in (select ticket_id from tickets)
    ) as t
    group by record_id
)

select
    c.ticket_id,
    c.received_date,
    c.kind,
    c.target_name,
    c.entity_id,
    c.uscc,
    c.resolution_method,
    f.legal_forms,
    t.matched_terms,
    c.amount,
    c.complainant_region,
    c.channel,
    c.delivery_date
from tickets as c
left join forms as f on c.ticket_id = f.record_id
left join terms as t on c.ticket_id = t.record_id
