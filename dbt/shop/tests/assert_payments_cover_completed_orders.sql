-- A completed order must be paid in full: rows returned are the orders paid less than nothing.
select order_id, amount
from {{ ref('fct_orders') }}
where status = 'completed' and coalesce(amount, 0) <= 0
