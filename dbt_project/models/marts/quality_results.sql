-- One row per night, suite and expectation of the quality gates.
select delivery_date, suite, expectation, success, observed, severity
from {{ source('raw', 'quality_results') }}
