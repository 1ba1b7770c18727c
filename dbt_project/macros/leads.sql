{# The join condition of a disposition action (a) to the lead it answers (s, with next_issued_date): the lead it
   names, else the entity's lead whose span, from its issue to the next lead's, holds the action's date. #}
{% macro answers_lead(a, s) -%}
    {{ a }}.entity_id = {{ s }}.entity_id
    and ({{ a }}.lead_id = {{ s }}.lead_id
        or ({{ a }}.lead_id is null and {{ a }}.action_date >= {{ s }}.issued_date
            and ({{ s }}.next_issued_date is null or {{ a }}.action_date < {{ s }}.next_issued_date)))
{%- endmacro %}
