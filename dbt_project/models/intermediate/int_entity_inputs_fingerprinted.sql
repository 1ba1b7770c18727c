-- What each entity's indicator measures, scores and snapshots are computed from, condensed: one hash per
-- entity and delivery date over its facts (int_entity_facts_unioned), one per entity (delivery_date null)
-- over its registration facts (int_entity_attributes_joined) and what the snapshots show of it (code, name,
-- region, kind, cluster: int_entities_described), and one for entity '*' over the settings every record,
-- measure, score and warning uses.
-- int_entity_changes_detected compares them with those of the last complete build.
with fact_items as (
    select entity_id, delivery_date,
        fact || '|' || record_type || '|' || record_id || '|' || coalesce(indicator_id, '') || '|'
        || coalesce(term, '') || '|' || coalesce(cast(weight as {{ dbt.type_string() }}), '') || '|' || coalesce(kind, '') || '|'
        || coalesce(cast(amount as {{ dbt.type_string() }}), '') || '|' || coalesce(region, '') || '|' || coalesce(person, '')
        || '|' || coalesce(site, '') || '|' || coalesce(cast(reach as {{ dbt.type_string() }}), '') as item
    from {{ ref('int_entity_facts_unioned') }}
),

attribute_items as (
    select entity_id, cast(null as date) as delivery_date,
        coalesce(cast(established_date as {{ dbt.type_string() }}), '') || '|' || coalesce(cast(reg_capital as {{ dbt.type_string() }}), '') || '|'
        || coalesce(cluster_id, '') || '|' || cast(cluster_size as {{ dbt.type_string() }}) || '|'
        || coalesce(blacklisted_member, '') || '|' || coalesce(cast(blacklisted_date as {{ dbt.type_string() }}), '') || '|'
        || coalesce(disposed_member, '') || '|'
        || coalesce(disposed_action, '') || '|' || coalesce(cast(disposed_date as {{ dbt.type_string() }}), '') || '|'
        || coalesce(other_members, '') as item
    from {{ ref('int_entity_attributes_joined') }}
),

described_items as (
    select entity_id, cast(null as date) as delivery_date,
        'entity|' || coalesce(uscc, '') || '|' || coalesce(entity_name, '') || '|' || coalesce(region_code, '') || '|'
        || entity_kind || '|' || coalesce(cluster_id, '') || '|'
        || coalesce(cast(cluster_size as {{ dbt.type_string() }}), '') as item
    from {{ ref('int_entities_described') }}
),

-- the settings that decide what every record, measure, score and warning says: the window, the text seeds
-- and the scoring seeds
settings_items as (
    select '*' as entity_id, cast(null as date) as delivery_date,
        'signal_window_days|{{ var("signal_window_days") }}' as item
    union all
    -- the form of the snapshots: a warehouse built with another form is recomputed whole
    select '*', null, 'snapshots|versions by int_entity_snapshots_dated; D03 to the first signal'
    union all
    select '*', null, 'lexicon|' || {{ lexicon_fingerprint() }}
    union all
    select '*', null, 'restricted|' || trade_name from {{ ref('restricted_trade_names') }}
    union all
    select '*', null, 'blacklist|' || id_hash from {{ ref('organiser_blacklist') }}
    union all
    select '*', null, 'indicator|' || indicator_id || '|' || level || '|' || indicator_zh || '|'
        || cast(weight as {{ dbt.type_string() }}) || '|' || cast(threshold_low as {{ dbt.type_string() }}) || '|'
        || cast(threshold_high as {{ dbt.type_string() }})
    from {{ ref('risk_indicators') }}
    union all
    select '*', null, 'weight|' || indicator || '|' || indicator_zh || '|' || cast(weight as {{ dbt.type_string() }})
    from {{ ref('indicator_weights') }}
    union all
    select '*', null, 'warning|' || warning_level || '|' || cast(min_score as {{ dbt.type_string() }}) || '|' || level_zh
        || '|' || recommended_action
    from {{ ref('warning_levels') }}
    union all
    select '*', null, 'key_region|' || code_prefix || '|' || region_zh || '|' || basis || '|'
        || cast(factor as {{ dbt.type_string() }})
    from {{ ref('key_regions') }}
)

select entity_id, delivery_date,
    {{ fingerprint_agg('item') }} as fingerprint
from (
    select * from fact_items
    union all
    select * from attribute_items
    union all
    select * from described_items
    union all
    select * from settings_items
) as items
group by entity_id, delivery_date
