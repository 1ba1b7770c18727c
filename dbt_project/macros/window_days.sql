{# The scoring window in days, as a literal. #}
{% macro window_days() -%}{{ var('signal_window_days') }}{%- endmacro %}
