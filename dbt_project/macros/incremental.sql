{#- Incremental builds by change (int_entity_changes_detected): what to recompute, and the state the
    next build compares against. -#}

{# True for a row to recompute: its date on or after the build's rebuild_from (`op` '>=' by default), or
   its entity among those whose earlier inputs changed. #}
{% macro in_rebuild_scope(date_expr, entity_expr, op='>=') -%}
    ({{ date_expr }} {{ op }} (select rebuild_from from {{ ref('int_entity_changes_detected') }} where entity_id = '*')
        or {{ entity_expr }} in (select entity_id from {{ ref('int_entity_changes_detected') }} where entity_id <> '*'))
{%- endmacro %}

{# Pre-hook of an incremental model: remove the rows this build recomputes. #}
{% macro delete_rebuild_scope(date_column, entity_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_rebuild_scope(date_column, entity_column) }}
    {%- endif -%}
{%- endmacro %}

{# Where the fingerprints and load sequence of the last complete build are kept. #}
{% macro change_state_relation(must_exist=true) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set relation = api.Relation.create(database=(target.database or none),
        schema=generate_schema_name('intermediate', none), identifier='entity_inputs_state') -%}
    {%- if must_exist -%}
        {{ return(adapter.get_relation(database=relation.database, schema=relation.schema,
            identifier=relation.identifier)) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{# on-run-end: after a build in which the incremental models ran and nothing failed, keep the fingerprints
   they were computed from and the last load they saw. A partial or failed build keeps the old state, so
   the next build recomputes from there. #}
{% macro save_change_state(results) -%}
    {%- if execute -%}
        {%- set ran = results | map(attribute='node.name') | list -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'skipped', 'runtime error']) | list -%}
        {%- if 'int_entity_indicators_measured' in ran and not failed -%}
            {%- set fingerprints = api.Relation.create(database=(target.database or none),
                schema=generate_schema_name('intermediate', none), identifier='int_entity_inputs_fingerprinted') -%}
            {%- set loads = api.Relation.create(database=(target.database or none), schema='raw', identifier='load_log') -%}
            {%- do run_query(create_table_as_select(change_state_relation(must_exist=false),
                "select f.*, (select max(load_seq) from " ~ loads ~ ") as load_seq from " ~ fingerprints ~ " as f")) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro create_table_as_select(relation, sql) -%}
    {{ return(adapter.dispatch('create_table_as_select', 'pyramid_watch')(relation, sql)) }}
{%- endmacro %}

{% macro default__create_table_as_select(relation, sql) -%}
    create or replace table {{ relation }} as {{ sql }}
{%- endmacro %}

{#- Spark's Parquet tables cannot be replaced in one statement -#}
{% macro spark__create_table_as_select(relation, sql) -%}
    {%- do run_query('drop table if exists ' ~ relation) -%}
    create table {{ relation }} using parquet as {{ sql }}
{%- endmacro %}

{# The earliest delivery date this build recomputes (a scalar subquery). #}
{% macro rebuild_from() -%}
    (select rebuild_from from {{ ref('int_entity_changes_detected') }} where entity_id = '*')
{%- endmacro %}

{# Pre-hook of an incremental record mart: remove the records of the dates loaded again, some of which
   the new delivery may no longer carry. #}
{% macro delete_redelivered(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} >= {{ rebuild_from() }}
    {%- endif -%}
{%- endmacro %}

{# Null-safe equality. #}
{% macro same(a, b) -%}
    ({{ a }} = {{ b }} or ({{ a }} is null and {{ b }} is null))
{%- endmacro %}

{# Filter of an incremental record mart: the records of the dates loaded again, and the earlier records whose
   resolution (entity, USCC or method) differs from what the mart holds. #}
{% macro redelivered_or_re_resolved(alias, key) -%}
    {{ alias }}.delivery_date >= {{ rebuild_from() }}
    or not exists (
        select 1 from {{ this }} as prior
        where prior.{{ key }} = {{ alias }}.{{ key }}
            and {{ same('prior.entity_id', alias ~ '.entity_id') }}
            and {{ same('prior.uscc', alias ~ '.uscc') }}
            and prior.resolution_method = {{ alias }}.resolution_method
    )
{%- endmacro %}
