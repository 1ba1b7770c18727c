{#- ENGINE=spark: the raw source tables are views over the Parquet lake that each night's load writes
    ($LAKE_DIR/<source>/delivery_date=D/part-0.parquet, and the tables the loads and gates keep, whole).
    Run at the start of every dbt invocation on Spark; on DuckDB the raw tables are the loader's own. -#}
{% macro lake_sources() -%}
    {%- if execute and target.type == 'spark' -%}
        {%- set lake = env_var('LAKE_DIR') -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for node in graph.sources.values() if node.source_name == 'raw' -%}
            {%- set path = lake ~ '/' ~ node.name -%}
            {%- if node.config.meta.get('lake_partitioned') -%}
                {#- the partition column is the delivery date; the raw tables call it _delivery_date -#}
                {%- set sql = 'select *, delivery_date as _delivery_date from parquet.`' ~ path ~ '`' -%}
            {%- else -%}
                {%- set sql = 'select * from parquet.`' ~ path ~ '`' -%}
            {%- endif -%}
            {%- do run_query('create or replace view raw.' ~ node.name ~ ' as ' ~ sql) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
