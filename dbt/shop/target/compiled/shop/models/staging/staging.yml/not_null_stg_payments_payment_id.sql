
    
    



select payment_id
from "warehouse"."staging"."stg_payments"
where payment_id is null


