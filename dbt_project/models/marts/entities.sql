-- A view: the entities are built once, in int_entities_described (the risk marts' change detection reads
-- them there); publication copies this view's rows as a table.
{{ config(materialized='view') }}
select * from {{ ref('int_entities_described') }}
