{#- Connected components of a graph in SQL, for engines without a graph library: minimum-label propagation
    with pointer jumping, one table per round (rounds ~ the largest component's diameter). Runs while the
    model is built; returns the relation of the last round, (entity_id, label), label = the smallest
    entity_id of the component. The model's post-hook drops the round tables (drop_components). -#}
{% macro connected_components(nodes_sql, edges_sql, max_rounds=100) -%}
    {#- only when the model is built: compiling it (dbt compile, docs) leaves no round tables behind -#}
    {%- if not execute or flags.WHICH not in ('run', 'build') -%}{{ return(this) }}{%- endif -%}
    {%- set edges -%}
        select entity_a as src, entity_b as dst from ({{ edges_sql }}) as e
        union all
        select entity_b, entity_a from ({{ edges_sql }}) as e
    {%- endset -%}
    {%- set round_table = components_relation(0) -%}
    {%- do run_query(create_table_as_select(round_table,
        'select entity_id, entity_id as label from (' ~ nodes_sql ~ ' union select src from (' ~ edges ~ ') as x) as n')) -%}
    {%- set state = namespace(current=round_table, done=false) -%}
    {%- for i in range(1, max_rounds + 1) if not state.done -%}
        {%- set following = components_relation(i % 2 + 1) -%}
        {%- set step -%}
            with hooked as (
                select c.entity_id, least(c.label, coalesce(min(n.label), c.label)) as label
                from {{ state.current }} as c
                left join ({{ edges }}) as e on e.src = c.entity_id
                left join {{ state.current }} as n on n.entity_id = e.dst
                group by c.entity_id, c.label
            )
            select h.entity_id, least(h.label, coalesce(j.label, h.label)) as label
            from hooked as h
            left join hooked as j on j.entity_id = h.label
        {%- endset -%}
        {%- do run_query(create_table_as_select(following, step)) -%}
        {%- set changed = run_query('select count(*) from ' ~ following ~ ' as f inner join ' ~ state.current
            ~ ' as c on c.entity_id = f.entity_id where f.label <> c.label').columns[0].values()[0] -%}
        {%- set state.current = following -%}
        {%- set state.done = changed == 0 -%}
    {%- endfor -%}
    {%- if not state.done -%}
        {%- do exceptions.raise_compiler_error('连通分量在 ' ~ max_rounds ~ ' 轮后仍未收敛') -%}
    {%- endif -%}
    {{ return(state.current) }}
{%- endmacro %}

{% macro components_relation(n) -%}
    {{ return(this.incorporate(path={'identifier': this.identifier ~ '__round' ~ n}, type='table')) }}
{%- endmacro %}

{% macro drop_components() -%}
    {%- if execute -%}
        {%- for n in range(3) -%}
            {%- do adapter.drop_relation(components_relation(n)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
