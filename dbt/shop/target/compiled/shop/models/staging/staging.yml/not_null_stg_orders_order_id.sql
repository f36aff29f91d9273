
    
    



select order_id
from "warehouse"."staging"."stg_orders"
where order_id is null


