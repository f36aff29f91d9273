select
    c.customer_id,
    c.customer_name,
    c.country,
    count(o.order_id) as orders,
    min(o.ordered_at) as first_ordered_at,
    max(o.ordered_at) as last_ordered_at
from {{ ref('stg_customers') }} c
left join {{ ref('stg_orders') }} o using (customer_id)
group by 1, 2, 3
