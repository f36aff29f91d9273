
    
    



select customer_id
from "warehouse"."staging"."stg_customers"
where customer_id is null


