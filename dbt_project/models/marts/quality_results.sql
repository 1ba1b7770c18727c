{{ config(materialized='view') }}
-- One row per night, suite and expectation of the quality gates. A view, so that it is fresh even on a
-- night whose gates hold the other marts back.
select delivery_date, suite, expectation, success, observed, severity
from {{ source('raw', 'quality_results') }}
