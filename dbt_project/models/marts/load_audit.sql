-- One row per delivered file and per missing delivery, as recorded by the nightly load.
select source, delivery_date, file_name, rows_delivered, rows_loaded, rows_quarantined, status, error
from {{ source('raw', 'load_audit') }}
