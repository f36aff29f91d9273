
    
    



select order_id
from "warehouse"."marts"."fct_orders"
where order_id is null


