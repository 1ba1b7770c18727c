-- Province-level administrative divisions, for naming regions in queries and bulletins.
select cast(province_code as {{ dbt.type_string() }}) as province_code, province_name
from {{ ref('province_codes') }}
