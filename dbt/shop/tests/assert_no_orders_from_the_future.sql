{{ config(severity='warn') }}
-- A loader with a wrong clock writes orders dated ahead: worth a look, not a stop.
select order_id, ordered_at
from {{ ref('stg_orders') }}
where ordered_at > now() + interval '1 hour'
