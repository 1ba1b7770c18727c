{{ config(materialized='view') }}
-- One row per delivered file and per missing delivery, as recorded by the nightly load. A view, so that
-- it is fresh even on a night whose gates hold the other marts back.
select source, delivery_date, file_name, rows_delivered, rows_loaded, rows_quarantined, status, error
from {{ source('raw', 'load_audit') }}
