select
    o.order_id,
    o.customer_id,
    o.status,
    o.ordered_at,
    p.amount
from {{ ref('stg_orders') }} o
left join (
    select order_id, sum(amount) as amount
    from {{ ref('stg_payments') }}
    group by order_id
) p using (order_id)
