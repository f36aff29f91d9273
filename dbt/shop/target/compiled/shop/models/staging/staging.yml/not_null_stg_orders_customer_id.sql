
    
    



select customer_id
from "warehouse"."staging"."stg_orders"
where customer_id is null


