-- Every version of a suspect entity ends after it starts, and no later than the entity's next version starts;
-- only the last may be open (valid_to null). Over the whole table: the post-hook end_kept_versions sets
-- valid_to on versions outside the build's scope.
with ordered as (
    select entity_id, as_of_date, valid_to,
        lead(as_of_date) over (partition by entity_id order by as_of_date) as next_version
    from {{ ref('suspect_entity_versions') }}
)

select entity_id, as_of_date, valid_to, next_version
from ordered
where valid_to <= as_of_date
    or (next_version is not null and (valid_to is null or valid_to > next_version))
