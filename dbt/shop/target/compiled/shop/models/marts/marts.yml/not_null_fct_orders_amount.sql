
    
    



select amount
from "warehouse"."marts"."fct_orders"
where amount is null


