select
    id as order_id,
    customer_id,
    lower(status) as status,
    ordered_at
from {{ source('shop', 'orders') }}
