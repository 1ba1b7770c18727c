{#- Incremental builds by change (int_entity_changes_detected): what to recompute, and the state the
    next build compares against. -#}

{# True for a row to recompute: its date on or after the build's rebuild_from (`op` '>=' by default), or
   its entity among those whose earlier inputs changed. `changes` names the scope's table where ref() may not
   be called (a data test, whose dependencies dbt fixed at parse). #}
{% macro in_rebuild_scope(date_expr, entity_expr, op='>=', changes=none) -%}
    {%- set changes = changes or ref('int_entity_changes_detected') -%}
    ({{ date_expr }} {{ op }} (select rebuild_from from {{ changes }} where entity_id = '*')
        or {{ entity_expr }} in (select entity_id from {{ changes }} where entity_id <> '*'))
{%- endmacro %}

{# Pre-hook of an incremental model: remove the rows this build recomputes. On Spark (insert_overwrite by
   partition) the scope is whole as-of dates: those the rows to recompute fall on, and those where a changed
   entity has facts in the window (it may gain measures on a date it had none). #}
{% macro delete_rebuild_scope(date_column, entity_column) -%}
    {{ return(adapter.dispatch('delete_rebuild_scope', 'pyramid_watch')(date_column, entity_column)) }}
{%- endmacro %}

{% macro default__delete_rebuild_scope(date_column, entity_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_rebuild_scope(date_column, entity_column) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__delete_rebuild_scope(date_column, entity_column) -%}
    {%- set window = var('signal_window_days') | int -%}
    {%- set scope -%}
        select {{ date_column }} as scope_date from {{ this }} where {{ in_rebuild_scope(date_column, entity_column) }}
        union
        select n.delivery_date from {{ source('raw', 'load_audit') }} as n where n.delivery_date >= {{ rebuild_from() }}
        union
        select n.delivery_date
        from {{ source('raw', 'load_audit') }} as n
        inner join {{ ref('int_entity_facts_unioned') }} as f
            on f.delivery_date <= n.delivery_date
            and f.delivery_date > {{ dbt.dateadd('day', -window, 'n.delivery_date') }}
        where f.entity_id in (select entity_id from {{ ref('int_entity_changes_detected') }} where entity_id <> '*')
    {%- endset -%}
    {{- replace_partitions(date_column, scope) -}}
{%- endmacro %}

{# The as-of dates an incremental model recomputes: on DuckDB, its rows in the rebuild scope; on Spark, every
   row of the dates whose partitions the pre-hook dropped. #}
{% macro in_measure_scope(date_expr, entity_expr) -%}
    {{ return(adapter.dispatch('in_measure_scope', 'pyramid_watch')(date_expr, entity_expr)) }}
{%- endmacro %}

{% macro default__in_measure_scope(date_expr, entity_expr) -%}
    {{ in_rebuild_scope(date_expr, entity_expr) }}
{%- endmacro %}

{% macro spark__in_measure_scope(date_expr, entity_expr) -%}
    {{ date_expr }} in (select scope_date from {{ scope_relation() }})
{%- endmacro %}

{# The facts those as-of dates see: on DuckDB, of the entities and dates in scope; on Spark, of the window
   before the earliest date in scope. #}
{% macro in_fact_scope(window_end_expr, entity_expr) -%}
    {{ return(adapter.dispatch('in_fact_scope', 'pyramid_watch')(window_end_expr, entity_expr)) }}
{%- endmacro %}

{% macro default__in_fact_scope(window_end_expr, entity_expr) -%}
    {{ in_rebuild_scope(window_end_expr, entity_expr, '>') }}
{%- endmacro %}

{% macro spark__in_fact_scope(window_end_expr, entity_expr) -%}
    {{ window_end_expr }} > (select min(scope_date) from {{ scope_relation() }})
{%- endmacro %}

{#- Spark's incremental models replace whole date partitions (insert_overwrite, partition_by the date; its
    Parquet tables take no DELETE). The pre-hook keeps the dates to replace in <model>__scope and drops their
    partitions (a date may get no rows back: a held or emptied delivery); the model then selects every row of
    those dates. The scope is kept in a table because dropping the partitions changes what it was computed
    from. -#}
{% macro replace_partitions(date_column, scope_sql) -%}
    {%- if execute and is_incremental() -%}
        {%- do run_query(create_table_as_select(scope_relation(), 'select distinct scope_date from (' ~ scope_sql ~ ') as s')) -%}
        {%- for day in run_query('select scope_date from ' ~ scope_relation()).columns[0].values() -%}
            {%- do run_query('alter table ' ~ this ~ ' drop if exists partition (' ~ date_column ~ " = '" ~ day ~ "')") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro scope_relation() -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__scope'}, type='table')) }}
{%- endmacro %}

{# Post-hook of an incremental model on Spark: drop the scope table. #}
{% macro drop_scope() -%}
    {%- if execute and target.type == 'spark' -%}
        {%- do adapter.drop_relation(scope_relation()) -%}
    {%- endif -%}
{%- endmacro %}

{# The configuration of an incremental model on each engine: delete+insert (or append after the pre-hook's
   delete) on DuckDB; insert_overwrite of the date partitions on Spark, or a table when `duckdb_only` (a model
   whose build reads the table it replaces, which Spark's partition overwrite cannot, or whose published
   columns must keep their order, which a partitioned table does not). #}
{% macro incremental_config(date_column, unique_key=none, duckdb_only=false) -%}
    {%- if target.type == 'spark' and duckdb_only -%}
        {{ return({'materialized': 'table'}) }}
    {%- elif target.type == 'spark' -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
            'partition_by': [date_column], 'file_format': 'parquet', 'post_hook': '{{ drop_scope() }}'}) }}
    {%- elif unique_key -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert', 'unique_key': unique_key}) }}
    {%- else -%}
        {{ return({'materialized': 'incremental', 'incremental_strategy': 'append'}) }}
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

{# on-run-end: after a build in which every incremental model ran and nothing failed, keep the fingerprints
   they were computed from, the last load they saw, this build's id and the id of the build whose state it
   replaces (since_build, none after a full refresh: publication applies only this build's changes to marts
   published from that one).
   A failed build in which some ran drops the state, so the next build recomputes everything (what it changed
   may be changed back before then); a build in which none ran keeps it. #}
{% macro save_change_state(results) -%}
    {%- if execute -%}
        {%- set incremental = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
            | selectattr('config.materialized', 'equalto', 'incremental') | map(attribute='name') | list -%}
        {%- set ran = results | map(attribute='node.name') | list -%}
        {%- set built = results | selectattr('status', 'equalto', 'success') | map(attribute='node.name') | list -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'skipped', 'runtime error']) | list -%}
        {%- if not failed and incremental | reject('in', built) | list | length == 0 -%}
            {%- set fingerprints = api.Relation.create(database=(target.database or none),
                schema=generate_schema_name('intermediate', none), identifier='int_entity_inputs_fingerprinted') -%}
            {%- set loads = api.Relation.create(database=(target.database or none), schema='raw', identifier='load_log') -%}
            {#- a full refresh rewrote every row, not only the scope it detected: nothing to apply to -#}
            {%- set since = none if flags.FULL_REFRESH else previous_build_id() -%}
            {%- do run_query(create_table_as_select(change_state_relation(must_exist=false),
                "select f.*, (select coalesce(max(load_seq), 0) from " ~ loads ~ ") as load_seq, '"
                ~ invocation_id ~ "' as build_id, "
                ~ (("'" ~ since ~ "'") if since else "cast(null as " ~ dbt.type_string() ~ ")") ~ " as since_build"
                ~ " from " ~ fingerprints ~ " as f")) -%}
        {%- elif incremental | select('in', ran) | list -%}
            {%- set state = change_state_relation() -%}
            {%- if state is not none -%}
                {%- do adapter.drop_relation(state) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{# The id of the build that saved the change state, or none (no state, or one saved before ids were kept).
   Read by run_query, which opens no transaction (adapter.get_columns_in_relation would, and the state's
   replacement would then never be committed). #}
{% macro previous_build_id() -%}
    {%- set state = change_state_relation() -%}
    {%- if state is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set kept = run_query('select * from ' ~ state ~ ' limit 1') -%}
    {%- if 'build_id' not in kept.column_names or not kept.rows -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(kept.columns['build_id'].values()[0]) }}
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

{# The earliest delivery date loaded (or whose holds changed) since the last complete build (a scalar
   subquery): every date on a new warehouse, none (9999-12-31) when nothing was loaded. Staging and
   int_text_terms_matched read it, int_entity_changes_detected (built from staging) starts from it. #}
{% macro loaded_since() -%}
    {%- set state = change_state_relation() -%}
    {%- if state is none -%}
        cast('1900-01-01' as date)
    {%- else -%}
        (select coalesce(min(l.delivery_date), cast('9999-12-31' as date)) from {{ source('raw', 'load_log') }} as l
            where l.load_seq > (select coalesce(max(s.load_seq), 0) from {{ state }} as s))
    {%- endif -%}
{%- endmacro %}

{# Pre-hook of an incremental staging table (DuckDB): remove its rows of the dates loaded again. #}
{% macro delete_loaded_since(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} >= {{ loaded_since() }}
    {%- endif -%}
{%- endmacro %}

{# Pre-hook of stg_registrations__companies (DuckDB): remove the companies with an event in the partitions
   loaded again, and those whose latest event came from one. #}
{% macro delete_reregistered() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where delivery_date >= {{ loaded_since() }}
            or uscc in (select r.uscc from {{ source('raw', 'registrations') }} as r
                where r._delivery_date >= {{ loaded_since() }})
    {%- endif -%}
{%- endmacro %}

{# The earliest delivery date this build recomputes (a scalar subquery). #}
{% macro rebuild_from() -%}
    (select rebuild_from from {{ ref('int_entity_changes_detected') }} where entity_id = '*')
{%- endmacro %}

{# Pre-hook of an incremental record mart: remove the records of the dates loaded again, some of which
   the new delivery may no longer carry. On Spark: the partitions of those dates, of the records whose
   resolution or date changed (resolved: the record model), and of their rows as the mart holds them (a record
   whose first delivery is held moves to a later date). #}
{% macro delete_redelivered(date_column, resolved, key) -%}
    {{ return(adapter.dispatch('delete_redelivered', 'pyramid_watch')(date_column, resolved, key)) }}
{%- endmacro %}

{% macro default__delete_redelivered(date_column, resolved, key) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} >= {{ rebuild_from() }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__delete_redelivered(date_column, resolved, key) -%}
    {%- set scope -%}
        select {{ date_column }} as scope_date from {{ resolved }} as r
        where {{ default__redelivered_or_re_resolved('r', key) }}
        union
        select prior.{{ date_column }} from {{ this }} as prior
        where prior.{{ key }} in (select r.{{ key }} from {{ resolved }} as r
            where {{ default__redelivered_or_re_resolved('r', key) }})
        union
        select {{ date_column }} from {{ this }} where {{ date_column }} >= {{ rebuild_from() }}
    {%- endset -%}
    {{- replace_partitions(date_column, scope) -}}
{%- endmacro %}

{# Null-safe equality. #}
{% macro same(a, b) -%}
    ({{ a }} = {{ b }} or ({{ a }} is null and {{ b }} is null))
{%- endmacro %}

{# Filter of an incremental record mart: the records of the dates loaded again, and the earlier records whose
   resolution (entity, USCC or method) differs from what the mart holds; on Spark, every record of the dates
   whose partitions the pre-hook dropped. #}
{% macro redelivered_or_re_resolved(alias, key) -%}
    {{ return(adapter.dispatch('redelivered_or_re_resolved', 'pyramid_watch')(alias, key)) }}
{%- endmacro %}

{% macro default__redelivered_or_re_resolved(alias, key) -%}
    {{ alias }}.delivery_date >= {{ rebuild_from() }}
    or not exists (
        select 1 from {{ this }} as prior
        where prior.{{ key }} = {{ alias }}.{{ key }}
            and {{ same('prior.entity_id', alias ~ '.entity_id') }}
            and {{ same('prior.uscc', alias ~ '.uscc') }}
            and prior.resolution_method = {{ alias }}.resolution_method
    )
{%- endmacro %}

{% macro spark__redelivered_or_re_resolved(alias, key) -%}
    {{ alias }}.delivery_date in (select scope_date from {{ scope_relation() }})
{%- endmacro %}

{# Data tests of a model whose build rewrites only its rebuild scope (meta tested_in: rebuild_scope) look at
   the rows this build rewrote, on DuckDB: every other row is as an earlier build left it, and was tested then.
   Their tests check a row alone, or a key that holds the as-of date and the entity the scope is made of, so
   a fault outside the scope would have failed then. A build without a change state (a new warehouse, or after
   the state was dropped), a full refresh (both rewrite every row) and Spark (where these models are plain
   tables) test every row. #}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set tested = (graph.nodes.values() if execute else []) | selectattr('resource_type', 'equalto', 'model')
        | selectattr('alias', 'equalto', relation.identifier) | list -%}
    {%- if not where and target.type != 'spark' and not flags.FULL_REFRESH and tested
        and tested[0].config.meta.get('tested_in') == 'rebuild_scope' and change_state_relation() is not none -%}
        {%- set where = in_rebuild_scope('as_of_date', 'entity_id', changes=api.Relation.create(
            database=(target.database or none), schema=generate_schema_name('intermediate', none),
            identifier='int_entity_changes_detected')) -%}
    {%- endif -%}
    {%- if where -%}
        {{ return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{# Post-hook of suspect_entity_versions (DuckDB, incremental): a kept version that held on into the rebuild
   scope now holds until its entity's first date in scope, if any (int_entity_snapshots_dated); the versions
   this build wrote carry theirs already. #}
{% macro end_kept_versions() -%}
    {%- if is_incremental() and target.type != 'spark' -%}
        update {{ this }} set valid_to = kept.valid_to
        from (
            select v.entity_id, v.as_of_date, min(d.as_of_date) as valid_to
            from {{ this }} as v
            left join {{ ref('int_entity_snapshots_dated') }} as d
                on d.entity_id = v.entity_id and d.as_of_date > v.as_of_date
            where (v.valid_to is null or v.valid_to >= {{ rebuild_from() }})
                and not {{ in_rebuild_scope('v.as_of_date', 'v.entity_id') }}
            group by v.entity_id, v.as_of_date
        ) as kept
        where {{ this }}.entity_id = kept.entity_id and {{ this }}.as_of_date = kept.as_of_date
    {%- endif -%}
{%- endmacro %}

{# A mart a view reads: on DuckDB by its bare name, which resolves in the view's own schema, so the published
   file can take the view as it is (pipeline/publication.py); elsewhere by ref(). Name it with ref() in a
   depends_on comment too. #}
{% macro sibling(name) -%}
    {%- if target.type == 'duckdb' -%}{{ adapter.quote(name) }}{%- else -%}{{ ref(name) }}{%- endif -%}
{%- endmacro %}

{# An aggregate fingerprint of a group's text items, whatever their order: the sum of their 64-bit hashes and
   their count (an ordered listagg hashed cost four times as much over a national history). DuckDB's hash() may
   change with its version: the first build after an upgrade then recomputes everything. #}
{% macro fingerprint_agg(item) -%}
    {{ return(adapter.dispatch('fingerprint_agg', 'pyramid_watch')(item)) }}
{%- endmacro %}

{% macro default__fingerprint_agg(item) -%}
    cast(sum(hash({{ item }})) as {{ dbt.type_string() }}) || ':' || cast(count(*) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__fingerprint_agg(item) -%}
    cast(sum(cast(xxhash64({{ item }}) as decimal(38, 0))) as {{ dbt.type_string() }}) || ':'
        || cast(count(*) as {{ dbt.type_string() }})
{%- endmacro %}

{# True when every reader of int_entity_snapshots_dated has its table (so each builds incrementally, reading
   only the dates in scope). #}
{% macro snapshot_readers_exist() -%}
    {%- for name in ['int_entity_indicators_measured', 'suspect_entity_versions'] -%}
        {%- set node = graph.nodes['model.pyramid_watch.' ~ name] -%}
        {%- if adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) is none -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}

{# In a reader of int_entity_snapshots_dated built whole on DuckDB: refuse when that model is not rebuilt in the
   same run (it would hold only the last build's scope, and the reader would lose every other date). #}
{% macro require_all_snapshot_dates() -%}
    {%- if execute and model.resource_type == 'model' and not is_incremental() and target.type != 'spark'
        and model.unique_id in selected_resources
        and 'model.pyramid_watch.int_entity_snapshots_dated' not in selected_resources -%}
        {{ exceptions.raise_compiler_error(this.identifier ~ ' 整表重建时须同时重建 int_entity_snapshots_dated（例如 dbt build --full-refresh -s int_entity_snapshots_dated+）') }}
    {%- endif -%}
{%- endmacro %}

{# True on the nights a version (alias of a row with as_of_date and valid_to) holds: from its own to the next. #}
{% macro version_holds(version, night) -%}
    ({{ night }} >= {{ version }}.as_of_date and ({{ version }}.valid_to is null or {{ night }} < {{ version }}.valid_to))
{%- endmacro %}

{#- An incremental model whose rows depend on more than its inputs' rows (int_text_terms_matched on the lexicon,
    int_names_parsed on its parse and seeds) keeps a fingerprint of that in <model>__<what>, and computes every
    row again when it differs. `fingerprint` is SQL of a scalar. -#}
{% macro kept_fingerprint_relation(what) -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__' ~ what}, type='table')) }}
{%- endmacro %}

{# True when an incremental build must compute every row again: they were computed with another fingerprint,
   or that is not known. #}
{% macro kept_fingerprint_differs(what, fingerprint) -%}
    {%- if not execute or not is_incremental() -%}{{ return(false) }}{%- endif -%}
    {%- set kept = kept_fingerprint_relation(what) -%}
    {%- if adapter.get_relation(database=kept.database, schema=kept.schema, identifier=kept.identifier) is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set same = run_query('select count(*) from ' ~ kept ~ ' where fingerprint = ' ~ fingerprint) -%}
    {{ return(same.columns[0].values()[0] == 0) }}
{%- endmacro %}

{# Pre-hook: remove the rows this build computes again. Every row when the fingerprint differs, forgotten first
   (a build failing after the removal leaves none, so the next computes everything again); otherwise those
   matching `otherwise`, if given. #}
{% macro delete_recomputed(what, fingerprint, otherwise=none) -%}
    {%- if is_incremental() -%}
        {%- if kept_fingerprint_differs(what, fingerprint) -%}
            {%- do adapter.drop_relation(kept_fingerprint_relation(what)) -%}
            delete from {{ this }}
        {%- elif otherwise -%}
            delete from {{ this }} where {{ otherwise }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{# Post-hook: keep the fingerprint the rows were computed with. #}
{% macro keep_fingerprint(what, fingerprint) -%}
    {%- if execute and target.type != 'spark' -%}
        {%- do run_query(create_table_as_select(kept_fingerprint_relation(what), 'select ' ~ fingerprint ~ ' as fingerprint')) -%}
    {%- endif -%}
{%- endmacro %}
